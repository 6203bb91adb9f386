import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../http/page.query';

/** `from`/`to` are checked by the usage service (400 USAGE_PERIOD_INVALID). */
export class UsageQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'RFC 3339, inclusive; default the start of the current month (UTC)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'RFC 3339, exclusive; default the start of next month (UTC)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  to?: string;
}

export class UsagePageQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  from?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  to?: string;
}
