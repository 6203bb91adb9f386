import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested, ValidateIf } from 'class-validator';
import { IsDnsLabel, NO_NUL_RE } from '../../http/dns-label.validator';
import { IsLabelMap } from '../../http/label-map.validator';
import { QuotaDto } from '../../quota/dto/quota.dto';

export class CreateTenantDto {
  @ApiProperty({ example: 'acme', maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' })
  @IsDnsLabel()
  name: string;

  @ApiPropertyOptional({ example: 'Acme Corp', maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  @Matches(NO_NUL_RE, { message: 'displayName must not contain NUL characters' })
  displayName?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { tier: 'gold' } })
  @ValidateIf((o: { labels?: unknown }) => o.labels !== undefined)
  @IsLabelMap()
  labels?: Record<string, string>;

  @ApiPropertyOptional({ type: QuotaDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => QuotaDto)
  quota?: QuotaDto;
}
