import { QuotedSchema } from '../schemas/workspace-schema-name';

/**
 * Ordered, versioned DDL of a workspace schema. Append new versions; never edit an applied one.
 * Runs under SET LOCAL ROLE of the workspace, so every table is owned by the workspace role and
 * nobody else is granted anything.
 */
export interface WorkspaceMigration {
  version: number;
  name: string;
  statements: (s: QuotedSchema) => string[];
}

export const WORKSPACE_MIGRATIONS: readonly WorkspaceMigration[] = [
  {
    version: 1,
    name: 'objects, changes, meta',
    statements: (s) => [
      // Single-row revision counter; the CHECK keeps it single-row. Starts at 1 so that "0"
      // keeps its Kubernetes meaning ("any revision") and is never a real revision.
      `CREATE TABLE ${s}.meta (
         id boolean NOT NULL DEFAULT true,
         rv bigint NOT NULL,
         CONSTRAINT meta_pkey PRIMARY KEY (id),
         CONSTRAINT meta_single_row_check CHECK (id))`,
      `INSERT INTO ${s}.meta (id, rv) VALUES (true, 1)`,
      `CREATE TABLE ${s}.objects (
         resource text NOT NULL,
         namespace text NOT NULL,
         name text NOT NULL,
         uid uuid NOT NULL,
         rv bigint NOT NULL,
         labels jsonb NOT NULL DEFAULT '{}',
         fields jsonb NOT NULL DEFAULT '{}',
         owners uuid[] NOT NULL DEFAULT '{}',
         body jsonb NOT NULL,
         CONSTRAINT objects_pkey PRIMARY KEY (resource, namespace, name),
         CONSTRAINT objects_uid_key UNIQUE (uid))`,
      // GIN indexes without fastupdate: objects arrive one write at a time, and a pending list
      // (flushed only by vacuum or at 4 MB) is scanned linearly and makes the planner avoid the
      // index. Each write adds only a handful of entries, so inserting into the tree is cheap.
      // jsonb_ops (not jsonb_path_ops) on labels: selectors need `?` (exists) as well as `@>`.
      `CREATE INDEX objects_labels_idx ON ${s}.objects USING gin (labels) WITH (fastupdate = off)`,
      // Field selectors only use containment; jsonb_path_ops is smaller and faster for that.
      `CREATE INDEX objects_fields_idx ON ${s}.objects USING gin (fields jsonb_path_ops) WITH (fastupdate = off)`,
      // Garbage collection: "which objects are owned by uid X".
      `CREATE INDEX objects_owners_idx ON ${s}.objects USING gin (owners) WITH (fastupdate = off)`,
      `CREATE TABLE ${s}.changes (
         rv bigint NOT NULL,
         type text NOT NULL,
         resource text NOT NULL,
         namespace text NOT NULL,
         name text NOT NULL,
         uid uuid NOT NULL,
         body jsonb NOT NULL,
         fields jsonb NOT NULL DEFAULT '{}',
         prev_labels jsonb,
         prev_fields jsonb,
         created_at timestamptz NOT NULL DEFAULT now(),
         CONSTRAINT changes_pkey PRIMARY KEY (rv),
         CONSTRAINT changes_type_check CHECK (type IN ('ADDED', 'MODIFIED', 'DELETED')))`,
    ],
  },
  {
    version: 2,
    name: 'change log compaction, name lookup across namespaces',
    statements: (s) => [
      // Kept apart from meta so compaction never holds the revision lock that writers queue on.
      `CREATE TABLE ${s}.compaction (
         id boolean NOT NULL DEFAULT true,
         compacted_rv bigint NOT NULL,
         compacted_at timestamptz,
         CONSTRAINT compaction_pkey PRIMARY KEY (id),
         CONSTRAINT compaction_single_row_check CHECK (id))`,
      // Nothing is compacted yet: a watch from any revision >= 1 can be served.
      `INSERT INTO ${s}.compaction (id, compacted_rv) VALUES (true, 1)`,
      `CREATE INDEX changes_created_at_idx ON ${s}.changes (created_at)`,
      // `fieldSelector=metadata.name=x` across all namespaces (the PK needs the namespace first).
      `CREATE INDEX objects_resource_name_idx ON ${s}.objects (resource, name)`,
    ],
  },
  {
    version: 3,
    name: 'namespace contents, garbage collection',
    statements: (s) => [
      // Namespace deletion walks one namespace across all resources (the PK leads with resource).
      `CREATE INDEX objects_namespace_idx ON ${s}.objects (namespace, resource, name)`,
      // GC scans only objects that have owners, in uid order (keyset); the GIN index on owners
      // answers "dependents of X" but cannot enumerate "has any owner".
      `CREATE INDEX objects_owned_idx ON ${s}.objects (uid) WHERE cardinality(owners) > 0`,
    ],
  },
  {
    version: 4,
    name: 'usage counters (object count, storage bytes) in meta',
    statements: (s) => [
      // First, so every writer (they all update meta before touching objects) queues behind this
      // migration and the backfill below cannot miss a concurrent write.
      `ALTER TABLE ${s}.meta
         ADD COLUMN objects bigint NOT NULL DEFAULT 0,
         ADD COLUMN storage_bytes bigint NOT NULL DEFAULT 0`,
      // Storage bytes of an object = octet_length(body::text): the size of its canonical JSON text
      // (deterministic for a stored jsonb value, unlike pg_column_size, which depends on TOAST
      // compression). Kept exact by statement-level triggers with transition tables, so every
      // write path (create, update, delete, deletecollection, namespace and CRD purges, GC,
      // orphaning, finalizer marks) is counted in its own transaction with one meta update per
      // statement. Writers already hold the meta row lock (the revision lock), so this adds no
      // new lock and no new ordering.
      `CREATE FUNCTION ${s}.count_objects_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
       DECLARE n bigint; b bigint;
       BEGIN
         SELECT count(*), coalesce(sum(octet_length(t.body::text)), 0) INTO n, b FROM new_rows t;
         IF n <> 0 THEN UPDATE ${s}.meta SET objects = objects + n, storage_bytes = storage_bytes + b; END IF;
         RETURN NULL;
       END $fn$`,
      `CREATE FUNCTION ${s}.count_objects_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
       DECLARE n bigint; b bigint;
       BEGIN
         SELECT count(*), coalesce(sum(octet_length(t.body::text)), 0) INTO n, b FROM old_rows t;
         IF n <> 0 THEN UPDATE ${s}.meta SET objects = objects - n, storage_bytes = storage_bytes - b; END IF;
         RETURN NULL;
       END $fn$`,
      `CREATE FUNCTION ${s}.count_objects_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
       DECLARE b bigint;
       BEGIN
         SELECT coalesce((SELECT sum(octet_length(t.body::text)) FROM new_rows t), 0)
              - coalesce((SELECT sum(octet_length(t.body::text)) FROM old_rows t), 0) INTO b;
         IF b <> 0 THEN UPDATE ${s}.meta SET storage_bytes = storage_bytes + b; END IF;
         RETURN NULL;
       END $fn$`,
      `CREATE TRIGGER objects_count_insert AFTER INSERT ON ${s}.objects
         REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${s}.count_objects_insert()`,
      `CREATE TRIGGER objects_count_delete AFTER DELETE ON ${s}.objects
         REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${s}.count_objects_delete()`,
      `CREATE TRIGGER objects_count_update AFTER UPDATE ON ${s}.objects
         REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${s}.count_objects_update()`,
      // Backfill existing schemas (no writer can run until this transaction commits).
      `UPDATE ${s}.meta SET
         objects = (SELECT count(*) FROM ${s}.objects),
         storage_bytes = (SELECT coalesce(sum(octet_length(o.body::text)), 0) FROM ${s}.objects o)`,
    ],
  },
  {
    version: 5,
    name: 'finer statistics for label and field selectors',
    statements: (s) => [
      // PostgreSQL estimates a jsonb containment as the share of histogram entries that match.
      // With the default target (101 entries) one sampled entry of a label 100 objects of
      // 1,000,000 carry made it 1 % (10,000 rows), and a list page (LIMIT 501, ORDER BY the key)
      // then walked the whole key index, filtering: 750 ms instead of 3 ms through the GIN index.
      // With 1,001 entries one such entry is 0.1 %, and the GIN index wins; ANALYZE samples
      // 300,000 rows instead of 30,000.
      `ALTER TABLE ${s}.objects ALTER COLUMN labels SET STATISTICS 1000, ALTER COLUMN fields SET STATISTICS 1000`,
    ],
  },
  {
    version: 6,
    name: 'label containment through key-value entries',
    statements: (s) => [
      // objects_labels_idx (jsonb_ops) keeps keys and values as separate entries: it answers `key`
      // (exists, `?`), but for `labels @> {"tier":"gold"}` it intersects the entry of the key tier,
      // which every object with a tier label has (1,000,000 of them at N = 1,000,000: 2.4 ms of index
      // scan for 100 matches), with the entry of the value gold. jsonb_path_ops keeps one entry per
      // key and value, as the fields index does, so the planner reads only the matches.
      `CREATE INDEX objects_labels_pairs_idx ON ${s}.objects USING gin (labels jsonb_path_ops) WITH (fastupdate = off)`,
    ],
  },
];

export const LATEST_WORKSPACE_SCHEMA_VERSION = WORKSPACE_MIGRATIONS[WORKSPACE_MIGRATIONS.length - 1].version;
