import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Usage metering (samples written by the worker, request counts and watch gauges flushed by the
 * API server) and lifecycle webhooks (subscriptions, the event outbox, deliveries and their log).
 */
export class UsageAndWebhooks1732650000000 implements MigrationInterface {
  name = 'UsageAndWebhooks1732650000000';

  public async up(q: QueryRunner): Promise<void> {
    // No foreign keys: samples outlive their workspace (billing periods are read after deletion).
    await q.query(`
      CREATE TABLE kplane.usage_samples (
        id bigint GENERATED ALWAYS AS IDENTITY,
        tenant_id uuid NOT NULL,
        workspace_id uuid NOT NULL,
        workspace_name text NOT NULL,
        sampled_at timestamptz NOT NULL,
        objects bigint NOT NULL,
        storage_bytes bigint NOT NULL,
        api_requests jsonb NOT NULL DEFAULT '{}',
        api_requests_total bigint NOT NULL DEFAULT 0,
        open_watches int NOT NULL DEFAULT 0,
        by_resource jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT usage_samples_pkey PRIMARY KEY (id)
      )`);
    await q.query(`CREATE INDEX usage_samples_tenant_id_sampled_at_idx ON kplane.usage_samples (tenant_id, sampled_at)`);
    await q.query(`CREATE INDEX usage_samples_workspace_id_sampled_at_idx ON kplane.usage_samples (workspace_id, sampled_at)`);
    // Incremented in batches by the API servers; consumed (deleted) by the metering job.
    await q.query(`
      CREATE TABLE kplane.api_request_counts (
        workspace_id uuid NOT NULL,
        verb text NOT NULL,
        window_start timestamptz NOT NULL,
        count bigint NOT NULL,
        CONSTRAINT api_request_counts_pkey PRIMARY KEY (workspace_id, verb, window_start)
      )`);
    // One gauge per API server instance and workspace; stale rows (a stopped instance) are ignored.
    await q.query(`
      CREATE TABLE kplane.api_open_watches (
        instance_id text NOT NULL,
        workspace_id uuid NOT NULL,
        open_watches int NOT NULL,
        reported_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT api_open_watches_pkey PRIMARY KEY (instance_id, workspace_id)
      )`);
    await q.query(`
      CREATE TABLE kplane.webhooks (
        id uuid NOT NULL,
        tenant_id uuid,
        url text NOT NULL,
        events text[] NOT NULL,
        secret_encrypted text NOT NULL,
        -- Millisecond precision: list cursors carry the timestamp as RFC 3339 (ms).
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        CONSTRAINT webhooks_pkey PRIMARY KEY (id),
        CONSTRAINT webhooks_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kplane.tenants (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX webhooks_tenant_id_created_at_idx ON kplane.webhooks (tenant_id, created_at, id)`);
    // The outbox: written in (or right after) the transaction of the state change; fanned out to
    // deliveries by the worker. dedupe_key makes re-emission by a retried job a no-op.
    await q.query(`
      CREATE TABLE kplane.webhook_events (
        id uuid NOT NULL,
        type text NOT NULL,
        tenant_id uuid,
        workspace_id uuid,
        dedupe_key text,
        payload jsonb NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        fanned_out_at timestamptz,
        CONSTRAINT webhook_events_pkey PRIMARY KEY (id),
        CONSTRAINT webhook_events_dedupe_key_key UNIQUE (dedupe_key)
      )`);
    await q.query(`CREATE INDEX webhook_events_pending_idx ON kplane.webhook_events (occurred_at) WHERE fanned_out_at IS NULL`);
    await q.query(`
      CREATE TABLE kplane.webhook_deliveries (
        id uuid NOT NULL,
        event_id uuid NOT NULL,
        webhook_id uuid NOT NULL,
        status text NOT NULL DEFAULT 'Pending',
        attempts int NOT NULL DEFAULT 0,
        last_status_code int,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        enqueued_at timestamptz,
        delivered_at timestamptz,
        CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (id),
        CONSTRAINT webhook_deliveries_event_id_webhook_id_key UNIQUE (event_id, webhook_id),
        CONSTRAINT webhook_deliveries_event_id_fkey FOREIGN KEY (event_id) REFERENCES kplane.webhook_events (id) ON DELETE CASCADE,
        CONSTRAINT webhook_deliveries_webhook_id_fkey FOREIGN KEY (webhook_id) REFERENCES kplane.webhooks (id) ON DELETE CASCADE,
        CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('Pending', 'Delivered', 'Failed'))
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_pending_idx ON kplane.webhook_deliveries (enqueued_at NULLS FIRST) WHERE status = 'Pending'`);
    await q.query(`CREATE INDEX webhook_deliveries_webhook_id_fkey_idx ON kplane.webhook_deliveries (webhook_id)`);
    await q.query(`
      CREATE TABLE kplane.webhook_delivery_attempts (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        delivery_id uuid NOT NULL,
        webhook_id uuid NOT NULL,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        attempt int NOT NULL,
        status_code int,
        error text,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT webhook_delivery_attempts_pkey PRIMARY KEY (id),
        CONSTRAINT webhook_delivery_attempts_delivery_id_fkey FOREIGN KEY (delivery_id) REFERENCES kplane.webhook_deliveries (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX webhook_delivery_attempts_webhook_id_started_at_idx ON kplane.webhook_delivery_attempts (webhook_id, started_at DESC, id DESC)`);
    await q.query(`CREATE INDEX webhook_delivery_attempts_delivery_id_fkey_idx ON kplane.webhook_delivery_attempts (delivery_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of ['webhook_delivery_attempts', 'webhook_deliveries', 'webhook_events', 'webhooks', 'api_open_watches', 'api_request_counts', 'usage_samples']) {
      await q.query(`DROP TABLE IF EXISTS kplane.${t}`);
    }
  }
}
