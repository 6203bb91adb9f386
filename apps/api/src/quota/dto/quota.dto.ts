import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

const limit = (description: string) => ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, description: `${description}; null is unlimited` });

/** Tenant-wide limits; a missing or null field is unlimited. */
export class QuotaDto {
  @limit('workspaces in the tenant')
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  maxWorkspaces?: number | null;

  @limit('objects in each workspace')
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  maxObjectsPerWorkspace?: number | null;

  @limit('storage bytes in each workspace')
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  maxStorageBytesPerWorkspace?: number | null;

  @limit('API requests per second in each workspace')
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  maxRequestsPerSecondPerWorkspace?: number | null;
}
