import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested, ValidateIf } from 'class-validator';
import { NO_NUL_RE } from '../../http/dns-label.validator';
import { IsLabelMap } from '../../http/label-map.validator';
import { QuotaDto } from '../../quota/dto/quota.dto';

/** Every field optional; `labels` replaces the map, `quota` changes only the fields given. */
export class UpdateTenantDto {
  @ApiPropertyOptional({ nullable: true, maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  @Matches(NO_NUL_RE, { message: 'displayName must not contain NUL characters' })
  displayName?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
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
