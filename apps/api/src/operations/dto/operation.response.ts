import { ApiProperty } from '@nestjs/swagger';
import { OPERATION_TYPES } from '@kplane/control';

/** OpenAPI description of the Operation resource (the shape comes from operation.mapper). */
export class OperationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: OPERATION_TYPES }) type: string;
  @ApiProperty({ example: 'acme' }) tenant: string;
  @ApiProperty({ nullable: true, type: String, example: 'dev' }) workspace: string | null;
  @ApiProperty({ enum: ['Queued', 'Running', 'Succeeded', 'Failed'] }) status: string;
  @ApiProperty() attempts: number;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) startedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt: string | null;
}

export class OperationPage {
  @ApiProperty({ type: [OperationView] }) items: OperationView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
