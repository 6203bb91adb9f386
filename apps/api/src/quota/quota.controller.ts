import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiDefaultResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal, Quota, TenantError, TenantsService } from '@kplane/control';
import { CurrentPrincipal } from '../http/auth.guard';
import { ProblemView } from '../http/problem.response';
import { QuotaDto } from './dto/quota.dto';

@ApiTags('quota')
@ApiBearerAuth()
@ApiDefaultResponse({ type: ProblemView, description: 'application/problem+json' })
@Controller('v1/tenants/:tenant/quota')
export class QuotaController {
  constructor(private readonly tenants: TenantsService) {}

  @Get()
  @ApiOperation({ summary: "The tenant's quota (null is unlimited)" })
  @ApiOkResponse({ type: QuotaDto })
  get(@CurrentPrincipal() principal: Principal, @Param('tenant') tenant: string): Promise<Quota> {
    return this.tenants.getQuota(principal, tenant);
  }

  @Put()
  @ApiOperation({ summary: 'Replace the quota; fields left out become unlimited (null)' })
  @ApiOkResponse({ type: QuotaDto })
  async replace(@CurrentPrincipal() principal: Principal, @Param('tenant') tenant: string, @Body() dto: QuotaDto): Promise<Quota> {
    if (principal.kind !== 'admin') {
      // 404 first for another tenant's records, then 403: a key may read its quota, not raise it.
      await this.tenants.get(principal, tenant);
      throw new TenantError('ADMIN_ONLY', 'only the admin may change quotas');
    }
    return this.tenants.replaceQuota(principal, tenant, dto);
  }
}
