import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class FieldProblemView {
  @ApiProperty({ example: 'name' }) field: string;
  @ApiProperty() message: string;
}

/** OpenAPI description of application/problem+json (RFC 9457). */
export class ProblemView {
  @ApiProperty({ example: 'https://kplane.dev/problems/tenant-not-found' }) type: string;
  @ApiProperty({ example: 'Not Found' }) title: string;
  @ApiProperty({ example: 404 }) status: number;
  @ApiProperty() detail: string;
  @ApiPropertyOptional({ example: 'TENANT_NOT_FOUND' }) code?: string;
  @ApiPropertyOptional({ type: [FieldProblemView] }) errors?: FieldProblemView[];
}
