import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../http/page.query';

/** RFC 3339 date-time with an explicit offset. */
export const RFC3339_RE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'tenant name or id' })
  @IsOptional()
  @IsString()
  @MaxLength(253)
  tenant?: string;

  @ApiPropertyOptional({ description: 'workspace id, or its name together with tenant' })
  @IsOptional()
  @IsString()
  @MaxLength(253)
  workspace?: string;

  @ApiPropertyOptional({ enum: ['management', 'kubernetes'] })
  @IsOptional()
  @IsIn(['management', 'kubernetes'])
  source?: 'management' | 'kubernetes';

  @ApiPropertyOptional({ description: '"admin", an API key id, or a Kubernetes username' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  actor?: string;

  @ApiPropertyOptional({ enum: ['success', 'failure'] })
  @IsOptional()
  @IsIn(['success', 'failure'])
  outcome?: 'success' | 'failure';

  @ApiPropertyOptional({ format: 'date-time', description: 'RFC 3339, inclusive' })
  @IsOptional()
  @IsString()
  @Matches(RFC3339_RE, { message: 'from must be an RFC 3339 date-time' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'RFC 3339, exclusive' })
  @IsOptional()
  @IsString()
  @Matches(RFC3339_RE, { message: 'to must be an RFC 3339 date-time' })
  to?: string;
}
