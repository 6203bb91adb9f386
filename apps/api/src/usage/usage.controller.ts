import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiDefaultResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal, UsageService } from '@kplane/control';
import { CurrentPrincipal } from '../http/auth.guard';
import { PageResponse } from '../http/page.query';
import { ProblemView } from '../http/problem.response';
import { UsagePageQuery, UsageQuery } from './dto/usage-query';
import { toUsageResponse, UsageResponse } from './usage.mapper';

/** Usage from the worker's samples: latest figures per workspace in the period, request sums over it. */
@ApiTags('usage')
@ApiBearerAuth()
@ApiDefaultResponse({ type: ProblemView, description: 'application/problem+json' })
@Controller('v1')
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get('tenants/:tenant/usage')
  @ApiOperation({ summary: "A tenant's usage in [from, to) (default the current calendar month)" })
  @ApiOkResponse({ description: 'Usage' })
  async forTenant(@CurrentPrincipal() principal: Principal, @Param('tenant') tenant: string, @Query() query: UsageQuery): Promise<UsageResponse> {
    return toUsageResponse(await this.usage.forTenant(principal, tenant, query));
  }

  @Get('usage')
  @ApiOperation({ summary: "Every tenant's usage, a page of tenants by name (admin only)" })
  @ApiOkResponse({ description: 'page of Usage' })
  async all(@CurrentPrincipal() principal: Principal, @Query() query: UsagePageQuery): Promise<PageResponse<UsageResponse>> {
    const page = await this.usage.forAllTenants(principal, query);
    return { items: page.items.map(toUsageResponse), nextCursor: page.nextCursor };
  }
}
