import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiDefaultResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OperationsService, Principal } from '@kplane/control';
import { CurrentPrincipal } from '../http/auth.guard';
import { ProblemView } from '../http/problem.response';
import { PageQuery, PageResponse } from '../http/page.query';
import { OperationPage, OperationView } from './dto/operation.response';
import { OperationResponse, toOperationResponse } from './operation.mapper';

@ApiTags('operations')
@ApiBearerAuth()
@ApiDefaultResponse({ type: ProblemView, description: 'application/problem+json' })
@Controller('v1')
export class OperationsController {
  constructor(private readonly operations: OperationsService) {}

  @Get('operations/:id')
  @ApiOperation({ summary: 'Get an operation' })
  @ApiOkResponse({ type: OperationView })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<OperationResponse> {
    return toOperationResponse(await this.operations.get(principal, id));
  }

  @Get('tenants/:tenant/operations')
  @ApiOperation({ summary: "A tenant's operations, newest first" })
  @ApiOkResponse({ type: OperationPage })
  async listForTenant(
    @CurrentPrincipal() principal: Principal,
    @Param('tenant') tenant: string,
    @Query() query: PageQuery,
  ): Promise<PageResponse<OperationResponse>> {
    const page = await this.operations.listForTenant(principal, tenant, query);
    return { items: page.items.map(toOperationResponse), nextCursor: page.nextCursor };
  }
}
