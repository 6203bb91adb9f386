import { QuotedSchema } from '../schemas/workspace-schema-name';

/**
 * Every SQL statement of the engine, named so slow logs and errors say which one ran.
 * Values are always positional parameters; the only interpolated identifier is a QuotedSchema,
 * which can only come from quoteWorkspaceSchema (pattern-checked, double-quoted).
 *
 * We do not pass `name` to pg (that would create one server-side prepared statement per
 * workspace schema); the name is ours, for logs and error messages.
 */
export interface Statement {
  name: string;
  text: string;
}

const st = (name: string, text: string): Statement => ({ name, text: text.replace(/\s+/g, ' ').trim() });

/** The NOTIFY channel every write announces `<workspaceId>:<rv>` on. */
export const CHANGES_CHANNEL = 'kplane_changes';

// ---- transactions -------------------------------------------------------------------------

export const begin = st('tx.begin', 'BEGIN');
export const beginReadSnapshot = st('tx.begin_read', 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
export const commit = st('tx.commit', 'COMMIT');
export const rollback = st('tx.rollback', 'ROLLBACK');
/** Everything a workspace transaction does runs as the workspace's role. */
export const setLocalRole = (s: QuotedSchema) => st('tx.set_local_role', `SET LOCAL ROLE ${s}`);

// ---- provisioning -------------------------------------------------------------------------

export const roleExists = st('role.exists', 'SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1');
export const schemaExists = st('schema.exists', 'SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1');
export const createRole = (s: QuotedSchema) =>
  st('role.create', `CREATE ROLE ${s} NOLOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`);
/** Re-asserted on every run so a role someone altered by hand is brought back to least privilege. */
export const alterRole = (s: QuotedSchema) =>
  st('role.harden', `ALTER ROLE ${s} NOLOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`);
export const createSchema = (s: QuotedSchema) => st('schema.create', `CREATE SCHEMA IF NOT EXISTS ${s} AUTHORIZATION ${s}`);
export const revokeSchemaFromPublic = (s: QuotedSchema) => st('schema.revoke_public', `REVOKE ALL ON SCHEMA ${s} FROM PUBLIC`);
export const dropSchema = (s: QuotedSchema) => st('schema.drop', `DROP SCHEMA IF EXISTS ${s} CASCADE`);
/** Drops the role's privileges/objects in the current database, which DROP ROLE requires. */
export const dropOwned = (s: QuotedSchema) => st('role.drop_owned', `DROP OWNED BY ${s} CASCADE`);
export const dropRole = (s: QuotedSchema) => st('role.drop', `DROP ROLE IF EXISTS ${s}`);
export const listWorkspaceNames = st(
  'schema.list_workspaces',
  `SELECT nspname AS name FROM pg_catalog.pg_namespace WHERE nspname ~ '^ws_[0-9a-f]{32}$'
   UNION SELECT rolname FROM pg_catalog.pg_roles WHERE rolname ~ '^ws_[0-9a-f]{32}$'
   ORDER BY 1`,
);
/** Serialises concurrent provisioning steps of one workspace (keyed by the schema name). */
export const provisioningLock = st('provisioning.lock', `SELECT pg_advisory_xact_lock(hashtext('kplane.provisioning'), hashtext($1))`);
export const createSchemaVersion = (s: QuotedSchema) =>
  st(
    'ddl.create_schema_version',
    `CREATE TABLE IF NOT EXISTS ${s}.schema_version (
       version integer NOT NULL,
       applied_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT schema_version_pkey PRIMARY KEY (version))`,
  );
export const currentSchemaVersion = (s: QuotedSchema) =>
  st('ddl.current_version', `SELECT coalesce(max(version), 0)::int AS version FROM ${s}.schema_version`);
export const recordSchemaVersion = (s: QuotedSchema) =>
  st('ddl.record_version', `INSERT INTO ${s}.schema_version (version) VALUES ($1)`);

// ---- revisions and change log -------------------------------------------------------------

/** Takes the next revision; the row lock is held to commit, so revision order is commit order. */
export const nextRevision = (s: QuotedSchema) => st('meta.next_rv', `UPDATE ${s}.meta SET rv = rv + 1 RETURNING rv::text AS rv`);
export const currentRevision = (s: QuotedSchema) => st('meta.current_rv', `SELECT rv::text AS rv FROM ${s}.meta`);
export const notifyChange = st('changes.notify', `SELECT pg_notify('${CHANGES_CHANNEL}', $1)`);
export const insertChange = (s: QuotedSchema) =>
  st(
    'changes.insert',
    `INSERT INTO ${s}.changes (rv, type, resource, namespace, name, uid, body, fields, prev_labels, prev_fields)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10::jsonb)`,
  );

/** Reads changes after a revision; the compaction horizon is read in the same snapshot. */
export const compactedRevision = (s: QuotedSchema) => st('compaction.current', `SELECT compacted_rv::text AS rv FROM ${s}.compaction`);
export const changesSince = (s: QuotedSchema) =>
  st(
    'changes.since',
    `SELECT c.rv::text AS rv, c.type, c.resource, c.namespace, c.name, c.uid::text AS uid, c.body, c.fields, c.prev_labels, c.prev_fields
       FROM ${s}.changes c WHERE c.rv > $1 ORDER BY c.rv LIMIT $2`,
  );
/**
 * Compaction horizon: drop a change only if it is older than keepSeconds AND not among the
 * keepCount newest. created_at is the writer's transaction start, so it is only roughly ordered by
 * rv; taking max(rv) of the old rows and the count bound keeps the deleted set a prefix.
 */
export const compactionHorizon = (s: QuotedSchema) =>
  st(
    'compaction.horizon',
    `SELECT (SELECT rv - $2::bigint FROM ${s}.meta)::text AS by_count,
            (SELECT max(c.rv) FROM ${s}.changes c WHERE c.created_at < now() - make_interval(secs => $1::double precision))::text AS by_age`,
  );
export const deleteChangesUpTo = (s: QuotedSchema) => st('compaction.delete', `DELETE FROM ${s}.changes c WHERE c.rv <= $1`);
export const advanceCompaction = (s: QuotedSchema) =>
  st(
    'compaction.advance',
    `UPDATE ${s}.compaction SET compacted_rv = greatest(compacted_rv, $1::bigint), compacted_at = now() RETURNING compacted_rv::text AS rv`,
  );

// ---- objects ------------------------------------------------------------------------------

export const getObject = (s: QuotedSchema) =>
  st('objects.get', `SELECT body FROM ${s}.objects WHERE resource = $1 AND namespace = $2 AND name = $3`);
export const lockObject = (s: QuotedSchema) =>
  st(
    'objects.lock',
    // `same` compares the candidate body with the stored one as it would be stored (same rv and
    // uid), so an update that changes nothing can be detected without a JS deep-equal.
    `SELECT uid::text AS uid, rv::text AS rv, body, labels, fields,
            (jsonb_set(jsonb_set($4::jsonb, '{metadata,resourceVersion}', to_jsonb(rv::text)),
                       '{metadata,uid}', to_jsonb(uid::text)) = body
             AND fields = $5::jsonb) AS same
       FROM ${s}.objects WHERE resource = $1 AND namespace = $2 AND name = $3 FOR UPDATE`,
  );
export const lockObjectForDelete = (s: QuotedSchema) =>
  st(
    'objects.lock_for_delete',
    `SELECT uid::text AS uid, rv::text AS rv, body, labels, fields
       FROM ${s}.objects WHERE resource = $1 AND namespace = $2 AND name = $3 FOR UPDATE`,
  );
export const insertObject = (s: QuotedSchema) =>
  st(
    'objects.insert',
    `INSERT INTO ${s}.objects (resource, namespace, name, uid, rv, labels, fields, owners, body)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::uuid[], $9::jsonb)
     ON CONFLICT (resource, namespace, name) DO NOTHING
     RETURNING rv`,
  );
export const updateObject = (s: QuotedSchema) =>
  st(
    'objects.update',
    `UPDATE ${s}.objects SET rv = $4, labels = $5::jsonb, fields = $6::jsonb, owners = $7::uuid[], body = $8::jsonb
      WHERE resource = $1 AND namespace = $2 AND name = $3`,
  );
export const deleteObject = (s: QuotedSchema) =>
  st('objects.delete', `DELETE FROM ${s}.objects WHERE resource = $1 AND namespace = $2 AND name = $3`);
export const countObjects = (s: QuotedSchema) => st('objects.count', `SELECT count(*)::int AS n FROM ${s}.objects`);

/**
 * Keyset page over (namespace, name) within one resource: the PK (resource, namespace, name)
 * serves both the range and the order. `where` holds predicates from the selector compiler.
 */
export const listObjects = (s: QuotedSchema, where: string[], limitParam?: string) =>
  st(
    'objects.list',
    `SELECT body FROM ${s}.objects WHERE ${where.join(' AND ')} ORDER BY namespace, name${limitParam ? ` LIMIT ${limitParam}` : ''}`,
  );
