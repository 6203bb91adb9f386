import { ApiProperty } from '@nestjs/swagger';

export class AuditEventView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ example: { kind: 'api-key', id: 'uuid' } }) actor: { kind: string; id: string | null };
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) tenantId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) workspaceId: string | null;
  @ApiProperty({ enum: ['management', 'kubernetes'] }) source: string;
  @ApiProperty({ example: 'POST' }) verb: string;
  @ApiProperty({ example: '/v1/tenants/:tenant/workspaces' }) resource: string;
  @ApiProperty({ nullable: true, type: String }) name: string | null;
  @ApiProperty({ example: 202 }) statusCode: number;
  @ApiProperty({ enum: ['success', 'failure'] }) outcome: string;
  @ApiProperty({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty({ nullable: true, type: String }) userAgent: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details: Record<string, unknown>;
}

export class AuditEventPage {
  @ApiProperty({ type: [AuditEventView] }) items: AuditEventView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
