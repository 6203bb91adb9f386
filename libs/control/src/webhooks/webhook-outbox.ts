import { DataSource } from 'typeorm';

export interface PendingDelivery {
  id: string;
  attempts: number;
}

export interface DeliveryTarget {
  deliveryId: string;
  status: 'Pending' | 'Delivered' | 'Failed';
  webhookId: string;
  url: string;
  secretEncrypted: string;
  eventId: string;
  eventType: string;
  payload: Record<string, unknown>;
}

/**
 * The worker's side of the webhook outbox: fan events out to deliveries (one per matching
 * webhook), find deliveries to (re)enqueue, and record each attempt in the delivery log.
 */
export class WebhookOutbox {
  constructor(private readonly ds: DataSource) {}

  /**
   * Creates the deliveries of events not fanned out yet (a webhook matches when it is global or of
   * the event's tenant, subscribes to the type, and existed when the event occurred). Safe to run
   * concurrently (SKIP LOCKED) and again (ON CONFLICT DO NOTHING). Returns how many events.
   */
  async fanOut(batch = 500): Promise<number> {
    return this.ds.transaction(async (m) => {
      const events: { id: string }[] = await m.query(
        `/* webhook_events.claim */ SELECT id FROM kplane.webhook_events WHERE fanned_out_at IS NULL ORDER BY occurred_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batch],
      );
      if (events.length === 0) return 0;
      const ids = events.map((e) => e.id);
      await m.query(
        `/* webhook_deliveries.fan_out */ INSERT INTO kplane.webhook_deliveries (id, event_id, webhook_id)
         SELECT gen_random_uuid(), e.id, w.id FROM kplane.webhook_events e
           JOIN kplane.webhooks w ON (w.tenant_id IS NULL OR w.tenant_id = e.tenant_id) AND e.type = ANY(w.events) AND w.created_at <= e.occurred_at
          WHERE e.id = ANY($1::uuid[])
         ON CONFLICT (event_id, webhook_id) DO NOTHING`,
        [ids],
      );
      await m.query(`/* webhook_events.fanned_out */ UPDATE kplane.webhook_events SET fanned_out_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
      return ids.length;
    });
  }

  /** Pending deliveries never enqueued, or enqueued longer than `graceSeconds` ago (Redis may have lost them). */
  async dueForEnqueue(graceSeconds: number, batch = 500): Promise<PendingDelivery[]> {
    return this.ds.query(
      `/* webhook_deliveries.due */ SELECT id, attempts FROM kplane.webhook_deliveries
        WHERE status = 'Pending' AND (enqueued_at IS NULL OR enqueued_at < now() - make_interval(secs => $1))
        ORDER BY enqueued_at NULLS FIRST, created_at LIMIT $2`,
      [graceSeconds, batch],
    );
  }

  async markEnqueued(ids: string[]): Promise<void> {
    if (ids.length) await this.ds.query(`/* webhook_deliveries.enqueued */ UPDATE kplane.webhook_deliveries SET enqueued_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /** A delivery that used up its attempts while no job could say so (its job was lost) ends Failed. */
  async failExhausted(maxAttempts: number): Promise<number> {
    const rows: unknown[] = await this.ds.query(
      `/* webhook_deliveries.fail_exhausted */ UPDATE kplane.webhook_deliveries SET status = 'Failed', updated_at = now()
        WHERE status = 'Pending' AND attempts >= $1 RETURNING id`,
      [maxAttempts],
    );
    const returned = Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows;
    return returned.length;
  }

  async target(deliveryId: string): Promise<DeliveryTarget | null> {
    const rows: {
      id: string;
      status: DeliveryTarget['status'];
      webhook_id: string;
      url: string;
      secret_encrypted: string;
      event_id: string;
      type: string;
      payload: Record<string, unknown>;
    }[] = await this.ds.query(
      `/* webhook_deliveries.target */ SELECT d.id, d.status, w.id AS webhook_id, w.url, w.secret_encrypted, e.id AS event_id, e.type, e.payload
         FROM kplane.webhook_deliveries d JOIN kplane.webhooks w ON w.id = d.webhook_id JOIN kplane.webhook_events e ON e.id = d.event_id
        WHERE d.id = $1`,
      [deliveryId],
    );
    const r = rows[0];
    return r
      ? { deliveryId: r.id, status: r.status, webhookId: r.webhook_id, url: r.url, secretEncrypted: r.secret_encrypted, eventId: r.event_id, eventType: r.type, payload: r.payload }
      : null;
  }

  /** Logs one attempt and moves the delivery on: Delivered on success, Failed when `final`. Returns the attempt number. */
  async recordAttempt(
    target: DeliveryTarget,
    result: { startedAt: Date; statusCode: number | null; error: string | null; ok: boolean; final: boolean },
  ): Promise<number> {
    return this.ds.transaction(async (m) => {
      const rows: { attempts: number }[] = await m.query(
        `/* webhook_deliveries.attempted */ UPDATE kplane.webhook_deliveries
            SET attempts = attempts + 1, last_status_code = $2, last_error = $3, updated_at = now(),
                status = CASE WHEN $4 THEN 'Delivered' WHEN $5 THEN 'Failed' ELSE status END,
                delivered_at = CASE WHEN $4 THEN now() ELSE delivered_at END
          WHERE id = $1 RETURNING attempts`,
        [target.deliveryId, result.statusCode, result.error, result.ok, result.final],
      );
      const updated = (Array.isArray(rows[0]) ? rows[0] : rows) as { attempts: number }[];
      const attempt = updated[0]?.attempts ?? 0;
      await m.query(
        `/* webhook_delivery_attempts.insert */ INSERT INTO kplane.webhook_delivery_attempts (delivery_id, webhook_id, event_id, event_type, attempt, status_code, error, started_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [target.deliveryId, target.webhookId, target.eventId, target.eventType, attempt, result.statusCode, result.error, result.startedAt.toISOString()],
      );
      return attempt;
    });
  }

  /** Drops events (with their deliveries and log) older than the retention that have nothing pending. */
  async prune(retentionSeconds: number): Promise<number> {
    const rows: unknown[] = await this.ds.query(
      `/* webhook_events.prune */ DELETE FROM kplane.webhook_events e
        WHERE e.fanned_out_at IS NOT NULL AND e.occurred_at < now() - make_interval(secs => $1)
          AND NOT EXISTS (SELECT 1 FROM kplane.webhook_deliveries d WHERE d.event_id = e.id AND d.status = 'Pending')
        RETURNING id`,
      [retentionSeconds],
    );
    const returned = Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows;
    return returned.length;
  }
}
