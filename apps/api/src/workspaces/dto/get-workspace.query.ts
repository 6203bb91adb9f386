import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_WAIT_SECONDS = 120;
export const DEFAULT_WAIT_SECONDS = 30;

export class GetWorkspaceQuery {
  @ApiPropertyOptional({ enum: ['Ready'], description: 'answer once the phase is Ready or Failed, or when timeoutSeconds runs out' })
  @IsOptional()
  @IsIn(['Ready'])
  waitFor?: 'Ready';

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_WAIT_SECONDS, default: DEFAULT_WAIT_SECONDS })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_WAIT_SECONDS)
  timeoutSeconds?: number;
}
