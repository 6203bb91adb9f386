import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialControlSchema1732400000000 implements MigrationInterface {
  name = 'InitialControlSchema1732400000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS kplane`);
    await q.query(`REVOKE ALL ON SCHEMA kplane FROM PUBLIC`);
    await q.query(`
      CREATE TABLE kplane.tenants (
        id uuid NOT NULL,
        name text NOT NULL,
        display_name text,
        labels jsonb NOT NULL DEFAULT '{}',
        phase text NOT NULL,
        quota jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tenants_pkey PRIMARY KEY (id),
        CONSTRAINT tenants_name_key UNIQUE (name),
        CONSTRAINT tenants_phase_check CHECK (phase IN ('Active', 'Deleting'))
      )`);
    await q.query(`CREATE INDEX tenants_labels_idx ON kplane.tenants USING gin (labels)`);
    await q.query(`
      CREATE TABLE kplane.workspaces (
        id uuid NOT NULL,
        tenant_id uuid NOT NULL,
        name text NOT NULL,
        display_name text,
        labels jsonb NOT NULL DEFAULT '{}',
        phase text NOT NULL,
        message text NOT NULL DEFAULT '',
        shard text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        ready_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT workspaces_pkey PRIMARY KEY (id),
        CONSTRAINT workspaces_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kplane.tenants (id),
        CONSTRAINT workspaces_tenant_id_name_key UNIQUE (tenant_id, name),
        CONSTRAINT workspaces_phase_check CHECK (phase IN ('Pending', 'Provisioning', 'Ready', 'Suspended', 'Deleting', 'Failed'))
      )`);
    await q.query(`
      CREATE TABLE kplane.operations (
        id uuid NOT NULL,
        type text NOT NULL,
        tenant_id uuid NOT NULL,
        tenant_name text NOT NULL,
        workspace_id uuid,
        workspace_name text,
        status text NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT operations_pkey PRIMARY KEY (id),
        CONSTRAINT operations_status_check CHECK (status IN ('Queued', 'Running', 'Succeeded', 'Failed'))
      )`);
    await q.query(`CREATE INDEX operations_tenant_id_created_at_idx ON kplane.operations (tenant_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX operations_queued_idx ON kplane.operations (created_at) WHERE status IN ('Queued', 'Running')`);
    await q.query(`
      CREATE TABLE kplane.credentials (
        id uuid NOT NULL,
        workspace_id uuid NOT NULL,
        operation_id uuid NOT NULL,
        token_hash text NOT NULL,
        token_encrypted text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CONSTRAINT credentials_pkey PRIMARY KEY (id),
        CONSTRAINT credentials_token_hash_key UNIQUE (token_hash),
        CONSTRAINT credentials_workspace_id_operation_id_key UNIQUE (workspace_id, operation_id)
      )`);
    await q.query(`CREATE INDEX credentials_workspace_id_idx ON kplane.credentials (workspace_id) WHERE revoked_at IS NULL`);
    await q.query(`
      CREATE TABLE kplane.idempotency_keys (
        principal text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        response_status int,
        response_body jsonb,
        response_headers jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT idempotency_keys_pkey PRIMARY KEY (principal, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_at_idx ON kplane.idempotency_keys (created_at)`);
    await q.query(`
      CREATE TABLE kplane.cluster_ca (
        name text NOT NULL,
        cert_pem text NOT NULL,
        key_encrypted text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT cluster_ca_pkey PRIMARY KEY (name)
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE kplane.cluster_ca`);
    await q.query(`DROP TABLE kplane.idempotency_keys`);
    await q.query(`DROP TABLE kplane.credentials`);
    await q.query(`DROP TABLE kplane.operations`);
    await q.query(`DROP TABLE kplane.workspaces`);
    await q.query(`DROP TABLE kplane.tenants`);
  }
}
