import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SecretBox } from '../credentials/secret-box';
import { isUuid } from '../operations/operations.service';
import { decodeCursor, Page, PageRequest, pageLimit, toPage } from '../pagination/cursor';
import { canSeeTenant, Principal } from '../tenants/principal';
import { TenantError } from '../tenants/tenants.errors';
import { TenantsRepository } from '../tenants/tenants.repository';
import { isWebhookEventType, WEBHOOK_EVENT_TYPES } from './webhook-events';
import { generateWebhookSecret } from './webhook-signature';
import { WebhookError } from './webhooks.errors';
import { DeliveryAttemptRecord, WebhookRecord, WebhooksRepository } from './webhooks.repository';

export interface CreateWebhookCommand {
  url: string;
  events: string[];
  /** Tenant name; an admin without it registers a global webhook (every tenant's events). */
  tenant?: string;
}

export interface CreatedWebhook {
  webhook: WebhookRecord;
  /** HMAC key; returned this once, stored encrypted with the master key. */
  secret: string;
}

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** Problems with a webhook URL: HTTPS only, absolute, no credentials in it. */
export function webhookUrlProblem(raw: string): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_WEBHOOK_URL_LENGTH) return `url must be an https URL of at most ${MAX_WEBHOOK_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url must be an absolute https URL';
  }
  if (url.protocol !== 'https:') return 'url must use https';
  if (url.username || url.password) return 'url must not carry credentials';
  return null;
}

@Injectable()
export class WebhooksService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly webhooks: WebhooksRepository,
    private readonly box: SecretBox,
  ) {}

  async create(principal: Principal, command: CreateWebhookCommand): Promise<CreatedWebhook> {
    const problems: { field: string; message: string }[] = [];
    const urlProblem = webhookUrlProblem(command.url);
    if (urlProblem) problems.push({ field: 'url', message: urlProblem });
    const events = Array.isArray(command.events) ? [...new Set(command.events)] : [];
    if (events.length === 0) problems.push({ field: 'events', message: 'events must name at least one event' });
    for (const e of events) if (!isWebhookEventType(e)) problems.push({ field: 'events', message: `unknown event "${String(e)}"; known: ${WEBHOOK_EVENT_TYPES.join(', ')}` });
    if (problems.length) throw new WebhookError('WEBHOOK_INVALID', 'the webhook is invalid', problems);
    let tenantId: string | null;
    if (command.tenant !== undefined) {
      const tenant = await this.tenants.findByName(command.tenant);
      if (!tenant || !canSeeTenant(principal, tenant.id)) throw TenantError.notFound(command.tenant);
      tenantId = tenant.id;
    } else {
      tenantId = principal.kind === 'admin' ? null : principal.tenantId;
    }
    const secret = generateWebhookSecret();
    const webhook = await this.webhooks.insert({ id: randomUUID(), tenantId, url: command.url, events, secretEncrypted: this.box.encrypt(secret) });
    return { webhook, secret };
  }

  async list(principal: Principal, page: PageRequest): Promise<Page<WebhookRecord>> {
    const limit = pageLimit(page);
    const after = page.cursor ? decodeCursor(page.cursor, 2) : undefined;
    const rows = await this.webhooks.list(
      principal.kind === 'admin' ? {} : { tenantId: principal.tenantId },
      limit + 1,
      after ? { createdAt: after[0]!, id: after[1]! } : undefined,
    );
    return toPage(rows, limit, (w) => [w.createdAt.toISOString(), w.id]);
  }

  async get(principal: Principal, id: string): Promise<WebhookRecord> {
    const notFound = () => new WebhookError('WEBHOOK_NOT_FOUND', `webhook "${id}" not found`);
    if (!isUuid(id)) throw notFound();
    const webhook = await this.webhooks.find(id.toLowerCase());
    // A tenant key sees its tenant's webhooks only; global ones belong to the admin.
    if (!webhook || (principal.kind !== 'admin' && webhook.tenantId !== principal.tenantId)) throw notFound();
    return webhook;
  }

  async delete(principal: Principal, id: string): Promise<void> {
    const webhook = await this.get(principal, id);
    if (!(await this.webhooks.delete(webhook.id))) throw new WebhookError('WEBHOOK_NOT_FOUND', `webhook "${id}" not found`);
  }

  async deliveries(principal: Principal, id: string, page: PageRequest): Promise<Page<DeliveryAttemptRecord>> {
    const limit = pageLimit(page);
    const after = page.cursor ? decodeCursor(page.cursor, 2) : undefined;
    const webhook = await this.get(principal, id);
    const rows = await this.webhooks.attempts(webhook.id, limit + 1, after ? { startedAt: after[0]!, id: after[1]! } : undefined);
    return toPage(rows, limit, (a) => [a.startedAt.toISOString(), a.id]);
  }
}
