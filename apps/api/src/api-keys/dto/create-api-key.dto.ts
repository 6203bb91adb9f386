import { ApiProperty } from '@nestjs/swagger';
import { IsDnsLabel } from '../../http/dns-label.validator';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'ci', maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', description: 'unique within the tenant' })
  @IsDnsLabel()
  name: string;
}
