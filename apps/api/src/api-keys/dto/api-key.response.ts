import { ApiProperty } from '@nestjs/swagger';

export class ApiKeyCreatedView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'ci' }) name: string;
  @ApiProperty({ example: 'kpk_...', description: 'shown only in this response; only its hash is stored' }) token: string;
}

export class ApiKeyView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'ci' }) name: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'to the minute' }) lastUsedAt: string | null;
}

export class ApiKeyPage {
  @ApiProperty({ type: [ApiKeyView] }) items: ApiKeyView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
