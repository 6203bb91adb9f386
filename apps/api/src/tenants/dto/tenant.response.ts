import { ApiProperty } from '@nestjs/swagger';
import { QuotaDto } from '../../quota/dto/quota.dto';

/** OpenAPI description of the Tenant resource (the shape comes from tenant.mapper). */
export class TenantView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'acme' }) name: string;
  @ApiProperty({ nullable: true, type: String, example: 'Acme Corp' }) displayName: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { tier: 'gold' } }) labels: Record<string, string>;
  @ApiProperty({ enum: ['Active', 'Deleting'] }) phase: string;
  @ApiProperty({ type: QuotaDto }) quota: QuotaDto;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class TenantPage {
  @ApiProperty({ type: [TenantView] }) items: TenantView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
