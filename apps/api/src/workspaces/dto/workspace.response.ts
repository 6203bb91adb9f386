import { ApiProperty } from '@nestjs/swagger';
import { OperationView } from '../../operations/dto/operation.response';

/** OpenAPI description of the Workspace resource (the shape comes from workspace.mapper). */
export class WorkspaceView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'acme' }) tenant: string;
  @ApiProperty({ example: 'dev' }) name: string;
  @ApiProperty({ nullable: true, type: String }) displayName: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) labels: Record<string, string>;
  @ApiProperty({ enum: ['Pending', 'Provisioning', 'Ready', 'Suspended', 'Deleting', 'Failed'] }) phase: string;
  @ApiProperty({ description: 'human-readable reason for the phase' }) message: string;
  @ApiProperty({ example: 'https://127.0.0.1:6443/clusters/0b6c7c1e-...' }) endpoint: string;
  @ApiProperty({ example: 'default' }) shard: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) readyAt: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class WorkspacePage {
  @ApiProperty({ type: [WorkspaceView] }) items: WorkspaceView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class WorkspaceCreated {
  @ApiProperty({ type: WorkspaceView }) workspace: WorkspaceView;
  @ApiProperty({ type: OperationView }) operation: OperationView;
}
