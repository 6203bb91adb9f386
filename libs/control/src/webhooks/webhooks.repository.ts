import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface WebhookRecord {
  id: string;
  tenantId: string | null;
  tenantName: string | null;
  url: string;
  events: string[];
  createdAt: Date;
}

export interface DeliveryAttemptRecord {
  id: string;
  deliveryId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  statusCode: number | null;
  error: string | null;
  startedAt: Date;
  finishedAt: Date;
  deliveryStatus: string;
}

interface Row {
  id: string;
  tenant_id: string | null;
  tenant_name: string | null;
  url: string;
  events: string[];
  created_at: Date;
}

const toRecord = (r: Row): WebhookRecord => ({ id: r.id, tenantId: r.tenant_id, tenantName: r.tenant_name, url: r.url, events: r.events, createdAt: r.created_at });

const SELECT = `SELECT w.id, w.tenant_id, t.name AS tenant_name, w.url, w.events, w.created_at FROM kplane.webhooks w LEFT JOIN kplane.tenants t ON t.id = w.tenant_id`;

/** Data access for kplane.webhooks and the delivery log (plain SQL). */
@Injectable()
export class WebhooksRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(w: { id: string; tenantId: string | null; url: string; events: string[]; secretEncrypted: string }): Promise<WebhookRecord> {
    await this.dataSource.query(
      `/* webhooks.insert */ INSERT INTO kplane.webhooks (id, tenant_id, url, events, secret_encrypted) VALUES ($1, $2, $3, $4, $5)`,
      [w.id, w.tenantId, w.url, w.events, w.secretEncrypted],
    );
    return (await this.find(w.id))!;
  }

  async find(id: string): Promise<WebhookRecord | null> {
    const rows: Row[] = await this.dataSource.query(`/* webhooks.find */ ${SELECT} WHERE w.id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Newest first, keyset on (created_at, id); `tenantId` undefined lists all (admin). */
  async list(scope: { tenantId?: string }, limit: number, after?: { createdAt: string; id: string }): Promise<WebhookRecord[]> {
    const rows: Row[] = await this.dataSource.query(
      `/* webhooks.list */ ${SELECT}
        WHERE ($1::uuid IS NULL OR w.tenant_id = $1)
          AND ($2::timestamptz IS NULL OR (w.created_at, w.id) < ($2::timestamptz, $3::uuid))
        ORDER BY w.created_at DESC, w.id DESC LIMIT $4`,
      [scope.tenantId ?? null, after?.createdAt ?? null, after?.id ?? null, limit],
    );
    return rows.map(toRecord);
  }

  async delete(id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`/* webhooks.delete */ DELETE FROM kplane.webhooks WHERE id = $1 RETURNING id`, [id]);
    const returned = Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows;
    return returned.length > 0;
  }

  async attempts(webhookId: string, limit: number, after?: { startedAt: string; id: string }): Promise<DeliveryAttemptRecord[]> {
    const rows: {
      id: string;
      delivery_id: string;
      event_id: string;
      event_type: string;
      attempt: number;
      status_code: number | null;
      error: string | null;
      started_at: Date;
      finished_at: Date;
      status: string;
    }[] = await this.dataSource.query(
      `/* webhooks.attempts */ SELECT a.id, a.delivery_id, a.event_id, a.event_type, a.attempt, a.status_code, a.error, a.started_at, a.finished_at, d.status
         FROM kplane.webhook_delivery_attempts a JOIN kplane.webhook_deliveries d ON d.id = a.delivery_id
        WHERE a.webhook_id = $1 AND ($2::timestamptz IS NULL OR (a.started_at, a.id) < ($2::timestamptz, $3::uuid))
        ORDER BY a.started_at DESC, a.id DESC LIMIT $4`,
      [webhookId, after?.startedAt ?? null, after?.id ?? null, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      deliveryId: r.delivery_id,
      eventId: r.event_id,
      eventType: r.event_type,
      attempt: r.attempt,
      statusCode: r.status_code,
      error: r.error,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      deliveryStatus: r.status,
    }));
  }
}
