import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenant API keys (hashed) and the audit log of management and Kubernetes writes. */
export class ApiKeysAndAudit1732500000000 implements MigrationInterface {
  name = 'ApiKeysAndAudit1732500000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE kplane.api_keys (
        id uuid NOT NULL,
        tenant_id uuid NOT NULL,
        name text NOT NULL,
        token_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        CONSTRAINT api_keys_pkey PRIMARY KEY (id),
        CONSTRAINT api_keys_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kplane.tenants (id) ON DELETE CASCADE,
        CONSTRAINT api_keys_token_hash_key UNIQUE (token_hash)
      )`);
    // Names are unique among a tenant's live keys; a revoked key's name may be reused.
    await q.query(`CREATE UNIQUE INDEX api_keys_tenant_id_name_key ON kplane.api_keys (tenant_id, name) WHERE revoked_at IS NULL`);
    await q.query(`
      CREATE TABLE kplane.audit_events (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_kind text NOT NULL,
        actor_id text,
        tenant_id uuid,
        workspace_id uuid,
        source text NOT NULL,
        verb text NOT NULL,
        resource text NOT NULL,
        name text,
        status_code int NOT NULL,
        outcome text NOT NULL,
        request_id text,
        user_agent text,
        details jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT audit_events_pkey PRIMARY KEY (id),
        CONSTRAINT audit_events_actor_kind_check CHECK (actor_kind IN ('admin', 'api-key', 'workspace-user', 'anonymous')),
        CONSTRAINT audit_events_source_check CHECK (source IN ('management', 'kubernetes')),
        CONSTRAINT audit_events_outcome_check CHECK (outcome IN ('success', 'failure'))
      )`);
    // Newest first, optionally narrowed by one of the filters of GET /v1/audit.
    await q.query(`CREATE INDEX audit_events_at_idx ON kplane.audit_events (at DESC, id DESC)`);
    await q.query(`CREATE INDEX audit_events_tenant_id_at_idx ON kplane.audit_events (tenant_id, at DESC, id DESC) WHERE tenant_id IS NOT NULL`);
    await q.query(`CREATE INDEX audit_events_workspace_id_at_idx ON kplane.audit_events (workspace_id, at DESC, id DESC) WHERE workspace_id IS NOT NULL`);
    await q.query(`CREATE INDEX audit_events_actor_id_at_idx ON kplane.audit_events (actor_id, at DESC, id DESC) WHERE actor_id IS NOT NULL`);
    await q.query(`CREATE INDEX audit_events_source_at_idx ON kplane.audit_events (source, at DESC, id DESC)`);
    await q.query(`CREATE INDEX audit_events_failure_at_idx ON kplane.audit_events (at DESC, id DESC) WHERE outcome = 'failure'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE kplane.audit_events`);
    await q.query(`DROP TABLE kplane.api_keys`);
  }
}
