import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** `limit` (1..500, default 50) and the opaque `cursor` of every list endpoint. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  cursor?: string;
}

/** A list filtered by an equality label selector (`k=v[,k2=v2]`). */
export class LabelledPageQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'tier=gold' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  labelSelector?: string;
}

export interface PageResponse<T> {
  items: T[];
  nextCursor: string | null;
}
