import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiDefaultResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeysService, Principal } from '@kplane/control';
import type { Response } from 'express';
import { AuditLocals } from '../audit/audit-recorder';
import { CurrentPrincipal } from '../http/auth.guard';
import { PageQuery, PageResponse } from '../http/page.query';
import { ProblemView } from '../http/problem.response';
import { ApiKeyResponse, toApiKeyResponse } from './api-key.mapper';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { ApiKeyCreatedView, ApiKeyPage } from './dto/api-key.response';

@ApiTags('api-keys')
@ApiBearerAuth()
@ApiDefaultResponse({ type: ProblemView, description: 'application/problem+json' })
@Controller('v1/tenants/:tenant/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Create a tenant API key; the token is in this response only' })
  @ApiCreatedResponse({ type: ApiKeyCreatedView })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Param('tenant') tenant: string,
    @Body() dto: CreateApiKeyDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ id: string; name: string; token: string }> {
    const { key, token } = await this.apiKeys.create(principal, tenant, dto);
    (res.locals as AuditLocals).auditDetails = { apiKeyId: key.id };
    return { id: key.id, name: key.name, token };
  }

  @Get()
  @ApiOperation({ summary: "A tenant's live API keys (by name)" })
  @ApiOkResponse({ type: ApiKeyPage })
  async list(@CurrentPrincipal() principal: Principal, @Param('tenant') tenant: string, @Query() query: PageQuery): Promise<PageResponse<ApiKeyResponse>> {
    const page = await this.apiKeys.list(principal, tenant, query);
    return { items: page.items.map(toApiKeyResponse), nextCursor: page.nextCursor };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key; it is refused from then on' })
  @ApiNoContentResponse()
  async revoke(@CurrentPrincipal() principal: Principal, @Param('tenant') tenant: string, @Param('id') id: string): Promise<void> {
    await this.apiKeys.revoke(principal, tenant, id);
  }
}
