import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiDefaultResponse, ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal, TenantError, TenantsService } from '@kplane/control';
import type { Response } from 'express';
import { CurrentPrincipal } from '../http/auth.guard';
import { ProblemView } from '../http/problem.response';
import { LabelledPageQuery, PageResponse } from '../http/page.query';
import { operationLocation, OperationResponse, toOperationResponse } from '../operations/operation.mapper';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { UpdateTenantDto } from './dto/update-tenant.dto';
import { OperationView } from '../operations/dto/operation.response';
import { TenantPage, TenantView } from './dto/tenant.response';
import { TenantResponse, toTenantResponse } from './tenant.mapper';

@ApiTags('tenants')
@ApiBearerAuth()
@ApiDefaultResponse({ type: ProblemView, description: 'application/problem+json' })
@Controller('v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a tenant' })
  @ApiCreatedResponse({ type: TenantView })
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateTenantDto, @Res({ passthrough: true }) res: Response): Promise<TenantResponse> {
    const tenant = await this.tenants.create(principal, dto);
    res.location(`/v1/tenants/${encodeURIComponent(tenant.name)}`);
    return toTenantResponse(tenant);
  }

  @Get()
  @ApiOperation({ summary: 'List tenants (by name); labelSelector=k=v[,k2=v2] filters' })
  @ApiOkResponse({ type: TenantPage })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: LabelledPageQuery): Promise<PageResponse<TenantResponse>> {
    const page = await this.tenants.list(principal, query);
    return { items: page.items.map(toTenantResponse), nextCursor: page.nextCursor };
  }

  @Get(':tenant')
  @ApiOperation({ summary: 'Get a tenant' })
  @ApiOkResponse({ type: TenantView })
  async get(@CurrentPrincipal() principal: Principal, @Param('tenant') name: string): Promise<TenantResponse> {
    return toTenantResponse(await this.tenants.get(principal, name));
  }

  @Patch(':tenant')
  @ApiOperation({ summary: 'Change displayName, labels (replaced) or quota (fields given)' })
  @ApiOkResponse({ type: TenantView })
  async update(@CurrentPrincipal() principal: Principal, @Param('tenant') name: string, @Body() dto: UpdateTenantDto): Promise<TenantResponse> {
    if (principal.kind !== 'admin' && dto.quota !== undefined) {
      await this.tenants.get(principal, name); // another tenant stays 404
      throw new TenantError('ADMIN_ONLY', 'only the admin may change quotas');
    }
    return toTenantResponse(await this.tenants.update(principal, name, dto));
  }

  @Delete(':tenant')
  @HttpCode(202)
  @ApiOperation({ summary: 'Delete a tenant: every workspace is deprovisioned, then the tenant goes (DeleteTenant operation)' })
  @ApiAcceptedResponse({ type: OperationView })
  async remove(@CurrentPrincipal() principal: Principal, @Param('tenant') name: string, @Res({ passthrough: true }) res: Response): Promise<OperationResponse> {
    const { operation } = await this.tenants.requestDeletion(principal, name);
    res.location(operationLocation(operation.id));
    return toOperationResponse(operation);
  }
}
