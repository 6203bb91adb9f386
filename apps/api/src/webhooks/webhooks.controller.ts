import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiDefaultResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal, WebhooksService } from '@kplane/control';
import { CurrentPrincipal } from '../http/auth.guard';
import { PageQuery, PageResponse } from '../http/page.query';
import { ProblemView } from '../http/problem.response';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { DeliveryAttemptResponse, toDeliveryAttemptResponse, toWebhookResponse, WebhookResponse } from './webhook.mapper';

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiDefaultResponse({ type: ProblemView, description: 'application/problem+json' })
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Register an HTTPS endpoint for lifecycle events; the HMAC secret is in this response only' })
  @ApiCreatedResponse({ description: '{id, url, events, tenant, createdAt, secret}' })
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateWebhookDto): Promise<WebhookResponse & { secret: string }> {
    const { webhook, secret } = await this.webhooks.create(principal, dto);
    return { ...toWebhookResponse(webhook), secret };
  }

  @Get()
  @ApiOperation({ summary: 'Webhooks, newest first (a tenant key sees its tenant only)' })
  @ApiOkResponse({ description: 'page of Webhook' })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: PageQuery): Promise<PageResponse<WebhookResponse>> {
    const page = await this.webhooks.list(principal, query);
    return { items: page.items.map(toWebhookResponse), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One webhook' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<WebhookResponse> {
    return toWebhookResponse(await this.webhooks.get(principal, id));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a webhook (and its delivery log); pending deliveries stop' })
  @ApiNoContentResponse()
  async delete(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.webhooks.delete(principal, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Delivery log: one entry per attempt, newest first' })
  @ApiOkResponse({ description: 'page of delivery attempts' })
  async deliveries(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Query() query: PageQuery): Promise<PageResponse<DeliveryAttemptResponse>> {
    const page = await this.webhooks.deliveries(principal, id, query);
    return { items: page.items.map(toDeliveryAttemptResponse), nextCursor: page.nextCursor };
  }
}
