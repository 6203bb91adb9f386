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
];

export const LATEST_WORKSPACE_SCHEMA_VERSION = WORKSPACE_MIGRATIONS[WORKSPACE_MIGRATIONS.length - 1].version;
