import { createHash, randomUUID } from 'node:crypto';
import { queryRows, SqlExecutor } from '../audit/sql-executor';

/** The events a webhook may subscribe to (plain names); the CloudEvent `type` is `io.kplane.<name>`. */
export const WEBHOOK_EVENT_TYPES = [
  'workspace.provisioned',
  'workspace.failed',
  'workspace.deleted',
  'workspace.suspended',
  'workspace.resumed',
  'quota.exceeded',
  'usage.sampled',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const CLOUD_EVENT_TYPE_PREFIX = 'io.kplane.';
export const CLOUD_EVENT_SOURCE = 'kplane';
export const CLOUD_EVENT_CONTENT_TYPE = 'application/cloudevents+json';

export const isWebhookEventType = (t: unknown): t is WebhookEventType => typeof t === 'string' && (WEBHOOK_EVENT_TYPES as readonly string[]).includes(t);

/** CloudEvents 1.0, structured JSON mode. */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject?: string;
  time: string;
  datacontenttype: 'application/json';
  data: Record<string, unknown>;
}

export interface NewEvent {
  type: WebhookEventType;
  /** null: a platform-wide event, delivered to global webhooks only. */
  tenantId: string | null;
  workspaceId?: string | null;
  /** e.g. `tenants/acme/workspaces/dev`. */
  subject?: string;
  data: Record<string, unknown>;
  /** Re-emitting with the same key is a no-op (a retried job cannot emit twice). */
  dedupeKey?: string;
  time?: Date;
}

/** A UUID derived from a string, so an event id is stable across re-emission. */
export function deterministicUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function toCloudEvent(id: string, event: NewEvent): CloudEvent {
  return {
    specversion: '1.0',
    id,
    source: CLOUD_EVENT_SOURCE,
    type: CLOUD_EVENT_TYPE_PREFIX + event.type,
    ...(event.subject ? { subject: event.subject } : {}),
    time: (event.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    data: event.data,
  };
}

/**
 * Writes an event to the outbox (kplane.webhook_events); call it inside the transaction of the
 * state change when there is one (pass the transaction's client or EntityManager). The worker's
 * webhook sweep fans it out to the matching webhooks and delivers it, so it is never lost.
 * Framework-free: any pg Pool/Client or TypeORM DataSource/EntityManager will do (the API server
 * can call it for quota.exceeded). Returns the event id, or null when the dedupe key was seen.
 */
export async function emitEvent(db: SqlExecutor, event: NewEvent): Promise<string | null> {
  const id = event.dedupeKey ? deterministicUuid(`kplane-event:${event.dedupeKey}`) : randomUUID();
  const rows = await queryRows<{ id: string }>(
    db,
    `/* webhook_events.emit */ INSERT INTO kplane.webhook_events (id, type, tenant_id, workspace_id, dedupe_key, payload, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id`,
    [id, event.type, event.tenantId, event.workspaceId ?? null, event.dedupeKey ?? null, JSON.stringify(toCloudEvent(id, event)), (event.time ?? new Date()).toISOString()],
  );
  return rows[0]?.id ?? null;
}

/** Whether any webhook would receive `type` for this tenant (to skip emitting chatty events nobody wants). */
export async function hasSubscribers(db: SqlExecutor, type: WebhookEventType, tenantId: string | null): Promise<boolean> {
  const rows = await queryRows<{ n: number }>(
    db,
    `/* webhooks.has_subscribers */ SELECT 1 AS n FROM kplane.webhooks WHERE $1 = ANY(events) AND (tenant_id IS NULL OR tenant_id = $2) LIMIT 1`,
    [type, tenantId],
  );
  return rows.length > 0;
}
