import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, MaxLength } from 'class-validator';
import { WEBHOOK_EVENT_TYPES } from '@kplane/control';

/** Shape only; the URL (https only) and event names are checked by the service (422). */
export class CreateWebhookDto {
  @ApiProperty({ example: 'https://billing.example.com/kplane' })
  @IsString()
  @MaxLength(2048)
  url!: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(32)
  @IsString({ each: true })
  events!: string[];

  @ApiPropertyOptional({ description: 'tenant name; omitted by the admin for a global webhook, by a tenant key for its own tenant' })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  tenant?: string;
}
