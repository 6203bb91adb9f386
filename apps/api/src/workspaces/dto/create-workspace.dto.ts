import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { IsDnsLabel, NO_NUL_RE } from '../../http/dns-label.validator';
import { IsLabelMap } from '../../http/label-map.validator';

export class CreateWorkspaceDto {
  @ApiProperty({ example: 'dev', maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' })
  @IsDnsLabel()
  name: string;

  @ApiPropertyOptional({ maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  @Matches(NO_NUL_RE, { message: 'displayName must not contain NUL characters' })
  displayName?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @ValidateIf((o: { labels?: unknown }) => o.labels !== undefined)
  @IsLabelMap()
  labels?: Record<string, string>;
}
