import { QuotedSchema } from '../schemas/workspace-schema-name';
import { SELECTABLE_FIELD_INDEX_PATTERN } from '../selectors/selectable-fields';
import { StoreError } from '../store.errors';

/**
 * Every SQL statement of the engine, named so slow logs and errors say which one ran.
 * Values are always positional parameters; the only interpolated identifier is a QuotedSchema,
 * which can only come from quoteWorkspaceSchema (pattern-checked, double-quoted).
 *
 * The name is ours, for logs and error messages; only statements built by `inWorkspacePath` are
 * prepared on the server, under a name made from it and the workspace (preparedName).
 */
export interface Statement {
  name: string;
  text: string;
  /**
   * The text names workspace tables without a schema: it runs with the workspace schema as
   * search_path (inWorkspaceStatement sets it) and is prepared on each connection, once per
   * workspace (preparedName in workspace-tx.ts).
   */
  inWorkspacePath?: true;
}

const st = (name: string, text: string): Statement => ({ name, text: text.replace(/\s+/g, ' ').trim() });

/**
 * A hot workspace statement with one text for every workspace: each pooled connection prepares
 * it per workspace it serves (see preparedName) and keeps the most recently used ones, so a busy
 * workspace's writes are parsed and planned once per connection rather than per call. The
 * workspace role still confines it: another workspace's tables are not readable.
 */
const inWorkspacePath = (name: string, text: string): Statement => ({ ...st(name, text), inWorkspacePath: true });

const SCHEMAS_CACHED = 2000;

/** A statement of one workspace schema, built once per schema (bounded), not per request. */
function perSchema(name: string, text: (s: QuotedSchema) => string): (s: QuotedSchema) => Statement {
  const built = new Map<QuotedSchema, Statement>();
  return (s) => {
    let hit = built.get(s);
    if (!hit) {
      hit = st(name, text(s));
      if (built.size >= SCHEMAS_CACHED) built.delete(built.keys().next().value as QuotedSchema);
      built.set(s, hit);
    }
    return hit;
  };
}

/** The NOTIFY channel every write announces `<workspaceId>:<rv>` on. */
export const CHANGES_CHANNEL = 'kplane_changes';

// ---- transactions -------------------------------------------------------------------------

export const begin = st('tx.begin', 'BEGIN');
export const beginReadSnapshot = st('tx.begin_read', 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
export const commit = st('tx.commit', 'COMMIT');
export const rollback = st('tx.rollback', 'ROLLBACK');
/** Session-level role for a single-statement transaction (inWorkspaceStatement); reset in the same transaction. */
export const setRole = perSchema('tx.set_role', (s) => `SET ROLE ${s}`);
export const resetRole = st('tx.reset_role', 'RESET ROLE');
/** Everything a workspace transaction does runs as the workspace's role (sent with its first statement). */
export const setLocalRole = perSchema('tx.set_local_role', (s) => `SET LOCAL ROLE ${s}`);
/**
 * The workspace schema as search path, for statements built by `inWorkspacePath` (pg_temp named
 * last so no temporary table can stand in for a workspace table).
 */
export const setSearchPath = perSchema('tx.set_search_path', (s) => `SET search_path TO ${s}, pg_temp`);
export const setLocalSearchPath = perSchema('tx.set_local_search_path', (s) => `SET LOCAL search_path TO ${s}, pg_temp`);
export const resetSearchPath = st('tx.reset_search_path', 'RESET search_path');
/** lock_timeout ($1) for the rest of the transaction (SET LOCAL, which takes no parameter). */
export const setLocalLockTimeout = st('tx.set_local_lock_timeout', `SELECT set_config('lock_timeout', $1, true)`);

// ---- provisioning -------------------------------------------------------------------------

export const roleExists = st('role.exists', 'SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1');
export const schemaExists = st('schema.exists', 'SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1');
export const createRole = perSchema('role.create', (s) => `CREATE ROLE ${s} NOLOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`);
/** Re-asserted on every run so a role someone altered by hand is brought back to least privilege. */
export const alterRole = perSchema('role.harden', (s) => `ALTER ROLE ${s} NOLOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`);
export const createSchema = perSchema('schema.create', (s) => `CREATE SCHEMA IF NOT EXISTS ${s} AUTHORIZATION ${s}`);
export const revokeSchemaFromPublic = perSchema('schema.revoke_public', (s) => `REVOKE ALL ON SCHEMA ${s} FROM PUBLIC`);
export const dropSchema = perSchema('schema.drop', (s) => `DROP SCHEMA IF EXISTS ${s} CASCADE`);
/** Drops the role's privileges/objects in the current database, which DROP ROLE requires. */
export const dropOwned = perSchema('role.drop_owned', (s) => `DROP OWNED BY ${s} CASCADE`);
export const dropRole = perSchema('role.drop', (s) => `DROP ROLE IF EXISTS ${s}`);
export const listWorkspaceNames = st(
  'schema.list_workspaces',
  `SELECT nspname AS name FROM pg_catalog.pg_namespace WHERE nspname ~ '^ws_[0-9a-f]{32}$'
   UNION SELECT rolname FROM pg_catalog.pg_roles WHERE rolname ~ '^ws_[0-9a-f]{32}$'
   ORDER BY 1`,
);
/** Serialises concurrent provisioning steps of one workspace (keyed by the schema name). */
export const provisioningLock = st('provisioning.lock', `SELECT pg_advisory_xact_lock(hashtext('kplane.provisioning'), hashtext($1))`);
export const createSchemaVersion = perSchema(
    'ddl.create_schema_version',
    (s) => `CREATE TABLE IF NOT EXISTS ${s}.schema_version (
       version integer NOT NULL,
       applied_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT schema_version_pkey PRIMARY KEY (version))`,
  );
export const currentSchemaVersion = perSchema('ddl.current_version', (s) => `SELECT coalesce(max(version), 0)::int AS version FROM ${s}.schema_version`);
export const recordSchemaVersions = perSchema('ddl.record_versions', (s) => `INSERT INTO ${s}.schema_version (version) SELECT unnest($1::int[])`);
/**
 * Workspace schemas of this database built at a version from 1 to below $1, in one statement:
 * each schema's version table is read by query_to_xml, its name from the catalog, matched against
 * the workspace pattern and quoted with %I. CASE keeps the read away from a schema without one.
 */
export const listOutdatedWorkspaceSchemas = st(
  'schema.list_outdated',
  `SELECT name FROM (
     SELECT n.nspname AS name,
            CASE WHEN to_regclass(format('%I.schema_version', n.nspname)) IS NOT NULL
                 THEN (xpath('/row/v/text()', query_to_xml(format('SELECT max(version) AS v FROM %I.schema_version', n.nspname), false, true, '')))[1]::text::int
            END AS version
       FROM pg_catalog.pg_namespace n
      WHERE n.nspname ~ '^ws_[0-9a-f]{32}$') v
    WHERE version >= 1 AND version < $1
    ORDER BY name`,
);
/** What `ensureBuilt` finds: the role ($1 its name), and the version table ($2 its qualified name). */
export const buildState = st(
  'provisioning.build_state',
  'SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1) AS role, to_regclass($2) IS NOT NULL AS versioned',
);

// ---- revisions and change log -------------------------------------------------------------

export const currentRevision = perSchema('meta.current_rv', (s) => `SELECT rv::text AS rv FROM ${s}.meta`);
export const notifyChange = st('changes.notify', `SELECT pg_notify('${CHANGES_CHANNEL}', $1)`);

/** Reads changes after a revision; the compaction horizon is read in the same snapshot. */
export const compactedRevision = perSchema('compaction.current', (s) => `SELECT compacted_rv::text AS rv FROM ${s}.compaction`);
export const changesSince = perSchema(
    'changes.since',
    // The horizon beside the changes (one row with null change columns when there are none).
    (s) => `SELECT k.compacted_rv::text AS compacted, c.rv::text AS rv, c.type, c.resource, c.namespace, c.name, c.uid::text AS uid, c.body, c.fields, c.prev_labels, c.prev_fields
       FROM ${s}.compaction k
       LEFT JOIN LATERAL (SELECT * FROM ${s}.changes c WHERE c.rv > $1 ORDER BY c.rv LIMIT $2) c ON true
       ORDER BY c.rv`,
  );
/**
 * Compaction horizon: drop a change only if it is older than keepSeconds AND not among the
 * keepCount newest. created_at is when the row was written (clock_timestamp()), so it is only
 * roughly ordered by rv; taking max(rv) of the old rows and the count bound keeps the deleted set
 * a prefix.
 */
export const compactionHorizon = perSchema(
    'compaction.horizon',
    (s) => `SELECT (SELECT rv - $2::bigint FROM ${s}.meta)::text AS by_count,
            (SELECT max(c.rv) FROM ${s}.changes c WHERE c.created_at < now() - make_interval(secs => $1::double precision))::text AS by_age`,
  );
export const deleteChangesUpTo = perSchema('compaction.delete', (s) => `DELETE FROM ${s}.changes c WHERE c.rv <= $1`);
export const advanceCompaction = perSchema(
    'compaction.advance',
    (s) => `UPDATE ${s}.compaction SET compacted_rv = greatest(compacted_rv, $1::bigint), compacted_at = now() RETURNING compacted_rv::text AS rv`,
  );

// ---- objects ------------------------------------------------------------------------------

/**
 * A whole create in one statement (its own transaction, or one the write gate shares among
 * waiting writes): next revision, insert (the body gets its resourceVersion from the revision),
 * ADDED change row, NOTIFY. The revision is taken only if
 * the name is free and the quota allows (checked in the UPDATE's WHERE, which PostgreSQL
 * re-checks against the latest counters after waiting for a concurrent writer), so a refused
 * create writes nothing and returns no row (`createRefusal` then says why). Only two creates of the
 * same name racing can leave an unused revision behind (a gap; Kubernetes revisions promise order,
 * not density).
 */
export const createObject = inWorkspacePath(
  'objects.create',
  `WITH next AS (
       UPDATE meta m SET rv = m.rv + 1
        WHERE NOT EXISTS (SELECT 1 FROM objects o WHERE o.resource = $1 AND o.namespace = $2 AND o.name = $3)
          AND ($10::bigint IS NULL OR m.objects + 1 <= $10::bigint)
          AND ($11::bigint IS NULL
               OR m.storage_bytes + octet_length(jsonb_set($8::jsonb, '{metadata,resourceVersion}', to_jsonb((m.rv + 1)::text))::text) <= $11::bigint)
       RETURNING m.rv),
     ins AS (
       INSERT INTO objects (resource, namespace, name, uid, rv, labels, fields, owners, body)
       SELECT $1, $2, $3, $4::uuid, next.rv, $5::jsonb, $6::jsonb, $7::uuid[],
              jsonb_set($8::jsonb, '{metadata,resourceVersion}', to_jsonb(next.rv::text))
         FROM next
       ON CONFLICT (resource, namespace, name) DO NOTHING
       RETURNING rv, body),
     ch AS (
       INSERT INTO changes (rv, type, resource, namespace, name, uid, body, fields, created_at)
       SELECT ins.rv, 'ADDED', $1, $2, $3, $4::uuid, ins.body, $6::jsonb, clock_timestamp() FROM ins)
     SELECT ins.rv::text AS rv, ins.body, pg_notify('${CHANGES_CHANNEL}', $9::text || ':' || ins.rv::text || ':' || $1) AS notified
       FROM ins`,
);
/**
 * Why a create ($1-$3 the key, $4 the body) was refused: the usage counters, the size the body
 * would have, and whether the name is taken. Read only after a refusal (in the create itself it
 * cost ~0.1 ms of every create's parse, plan and execution).
 */
export const createRefusal = inWorkspacePath(
  'objects.create_refusal',
  `SELECT m.objects::text AS objects, m.storage_bytes::text AS storage_bytes,
          octet_length(jsonb_set($4::jsonb, '{metadata,resourceVersion}', to_jsonb((m.rv + 1)::text))::text)::text AS size,
          EXISTS (SELECT 1 FROM objects o WHERE o.resource = $1 AND o.namespace = $2 AND o.name = $3) AS taken
     FROM meta m`,
);
/**
 * A whole update in one statement (its own transaction, or a shared one, as a create). Lock
 * order is that of every writer: the revision row first (`lk`), then the object (its row lock is taken above the join, after `lk` produced
 * its row). The object is read FOR UPDATE, so it is the latest committed version even though the
 * statement's snapshot predates the lock wait. The revision is taken only when the update goes
 * ahead (resourceVersion precondition $4 holds, something changed, storage quota $9 allows
 * growth), so a refused or no-op update writes nothing; the returned row says which it was.
 * `same` compares the candidate as it would be stored (stored rv and uid) with the stored body.
 */
export const updateObjectStatement = inWorkspacePath(
  'objects.update',
  `WITH lk AS MATERIALIZED (SELECT m.rv, m.storage_bytes FROM meta m FOR UPDATE),
     cur AS MATERIALIZED (
       SELECT o.uid, o.rv, o.body, o.labels, o.fields, lk.rv AS meta_rv, lk.storage_bytes
         FROM lk, objects o
        WHERE o.resource = $1 AND o.namespace = $2 AND o.name = $3
          FOR UPDATE OF o),
     chk AS (
       SELECT cur.*,
              ($4::text IS NULL OR cur.rv::text = $4::text) AS rv_ok,
              (jsonb_set(jsonb_set($8::jsonb, '{metadata,resourceVersion}', to_jsonb(cur.rv::text)), '{metadata,uid}', to_jsonb(cur.uid::text)) = cur.body
               AND cur.fields = $6::jsonb) AS same,
              jsonb_set(jsonb_set($8::jsonb, '{metadata,resourceVersion}', to_jsonb((cur.meta_rv + 1)::text)), '{metadata,uid}', to_jsonb(cur.uid::text)) AS new_body
         FROM cur),
     ok AS (
       SELECT chk.*, octet_length(chk.new_body::text) - octet_length(chk.body::text) AS growth FROM chk),
     go AS (
       SELECT ok.* FROM ok
        WHERE ok.rv_ok AND NOT ok.same
          AND ($9::bigint IS NULL OR ok.growth <= 0 OR ok.storage_bytes + ok.growth <= $9::bigint)),
     next AS (UPDATE meta m SET rv = m.rv + 1 FROM go RETURNING m.rv),
     upd AS (
       UPDATE objects o SET rv = next.rv, labels = $5::jsonb, fields = $6::jsonb, owners = $7::uuid[], body = go.new_body
         FROM next, go
        WHERE o.resource = $1 AND o.namespace = $2 AND o.name = $3
       RETURNING o.rv, o.body),
     ch AS (
       INSERT INTO changes (rv, type, resource, namespace, name, uid, body, fields, prev_labels, prev_fields, created_at)
       SELECT upd.rv, 'MODIFIED', $1, $2, $3, go.uid, upd.body, $6::jsonb, go.labels, go.fields, clock_timestamp() FROM upd, go)
     SELECT ok.uid::text AS uid, ok.rv::text AS current_rv, ok.body AS current_body, ok.rv_ok, ok.same,
            ok.growth::text AS growth, ok.storage_bytes::text AS storage_bytes,
            upd.rv::text AS rv, upd.body,
            CASE WHEN upd.rv IS NOT NULL THEN pg_notify('${CHANGES_CHANNEL}', $10::text || ':' || upd.rv::text || ':' || $1) END AS notified
       FROM (SELECT 1) one LEFT JOIN ok ON true LEFT JOIN upd ON true`,
);
/**
 * Creates every object of $1 (a JSON array of rows, in order) whose key is free, in one
 * statement: revisions follow the array order, one ADDED change row each, one NOTIFY with the
 * last. For seeding a new workspace (bootstrap objects); the revision row is locked first, as
 * by every writer. Returns the created keys.
 */
export const createAbsentObjects = perSchema(
  'objects.create_absent',
  (s) => `WITH lk AS MATERIALIZED (SELECT m.rv FROM ${s}.meta m FOR UPDATE),
     input AS (
       SELECT x.* FROM lk, jsonb_to_recordset($1::jsonb)
         AS x(ord int, resource text, namespace text, name text, uid uuid, labels jsonb, fields jsonb, owners uuid[], body jsonb)),
     fresh AS (
       SELECT i.* FROM input i
        WHERE NOT EXISTS (SELECT 1 FROM ${s}.objects o WHERE o.resource = i.resource AND o.namespace = i.namespace AND o.name = i.name)),
     numbered AS (
       SELECT f.*, lk.rv + row_number() OVER (ORDER BY f.ord) AS new_rv FROM fresh f, lk),
     ins AS (
       INSERT INTO ${s}.objects (resource, namespace, name, uid, rv, labels, fields, owners, body)
       SELECT n.resource, n.namespace, n.name, n.uid, n.new_rv, n.labels, n.fields, coalesce(n.owners, '{}'),
              jsonb_set(n.body, '{metadata,resourceVersion}', to_jsonb(n.new_rv::text))
         FROM numbered n ORDER BY n.new_rv
       RETURNING rv, resource, namespace, name, uid, body, fields),
     bump AS (UPDATE ${s}.meta m SET rv = m.rv + (SELECT count(*) FROM numbered)),
     ch AS (
       INSERT INTO ${s}.changes (rv, type, resource, namespace, name, uid, body, fields, created_at)
       SELECT ins.rv, 'ADDED', ins.resource, ins.namespace, ins.name, ins.uid, ins.body, ins.fields, clock_timestamp() FROM ins)
     SELECT ins.resource, ins.namespace, ins.name,
            CASE WHEN ins.rv = (SELECT max(rv) FROM ins) THEN pg_notify('${CHANGES_CHANNEL}', $2::text || ':' || ins.rv::text) END AS notified
       FROM ins ORDER BY ins.rv`,
);
/**
 * A whole delete in one statement (its own transaction, or a shared one), locked like an update
 * (revision row, then the object). Taken only when the resourceVersion ($4) and uid ($5) preconditions hold; the change
 * row carries the last state with the delete's revision (what a DELETED watch event shows).
 */
export const deleteObjectStatement = inWorkspacePath(
  'objects.delete',
  `WITH lk AS MATERIALIZED (SELECT m.rv FROM meta m FOR UPDATE),
     cur AS MATERIALIZED (
       SELECT o.uid, o.rv, o.body, o.labels, o.fields
         FROM lk, objects o
        WHERE o.resource = $1 AND o.namespace = $2 AND o.name = $3
          FOR UPDATE OF o),
     chk AS (
       SELECT cur.*, ($4::text IS NULL OR cur.rv::text = $4::text) AS rv_ok, ($5::text IS NULL OR cur.uid::text = lower($5::text)) AS uid_ok
         FROM cur),
     go AS (SELECT chk.* FROM chk WHERE chk.rv_ok AND chk.uid_ok),
     next AS (UPDATE meta m SET rv = m.rv + 1 FROM go RETURNING m.rv),
     del AS (
       DELETE FROM objects o USING next, go
        WHERE o.resource = $1 AND o.namespace = $2 AND o.name = $3
       RETURNING o.uid),
     out AS (
       SELECT next.rv, go.uid, go.labels, go.fields,
              jsonb_set(jsonb_set(go.body, '{metadata,resourceVersion}', to_jsonb(next.rv::text)), '{metadata,uid}', to_jsonb(go.uid::text)) AS body
         FROM next, go, del),
     ch AS (
       INSERT INTO changes (rv, type, resource, namespace, name, uid, body, fields, prev_labels, prev_fields, created_at)
       SELECT out.rv, 'DELETED', $1, $2, $3, out.uid, out.body, out.fields, out.labels, out.fields, clock_timestamp() FROM out)
     SELECT chk.uid::text AS uid, chk.rv::text AS current_rv, chk.rv_ok, chk.uid_ok, out.rv::text AS rv, out.body,
            CASE WHEN out.rv IS NOT NULL THEN pg_notify('${CHANGES_CHANNEL}', $6::text || ':' || out.rv::text || ':' || $1) END AS notified
       FROM (SELECT 1) one LEFT JOIN chk ON true LEFT JOIN out ON true`,
);
export const getObject = inWorkspacePath('objects.get', `SELECT body FROM objects WHERE resource = $1 AND namespace = $2 AND name = $3`);
export const countObjects = perSchema('objects.count', (s) => `SELECT count(*)::int AS n FROM ${s}.objects`);
/** The usage counters kept by the objects triggers (workspace-ddl.ts v4). */
export const usageCounters = perSchema('meta.usage', (s) => `SELECT objects::text AS objects, storage_bytes::text AS storage_bytes FROM ${s}.meta`);
/** Objects per resource: a GROUP BY on the leading PK column (index-only scan when visible). */
export const countsByResource = perSchema('objects.counts_by_resource', (s) => `SELECT resource, count(*)::int AS n FROM ${s}.objects GROUP BY resource ORDER BY resource`);

/**
 * Keyset page over (namespace, name) within one resource: the PK (resource, namespace, name)
 * serves both the range and the order. `where` holds predicates from the selector compiler.
 * Every row also carries the current revision (same snapshot).
 */
export const listObjects = (s: QuotedSchema, where: string[], limitParam?: string) =>
  st(
    'objects.list',
    // list_rv (an InitPlan, evaluated once) saves a round trip for the list's resourceVersion.
    `SELECT body, (SELECT m.rv FROM ${s}.meta m)::text AS list_rv FROM ${s}.objects WHERE ${where.join(' AND ')} ORDER BY namespace, name${limitParam ? ` LIMIT ${limitParam}` : ''}`,
  );

/**
 * Counts what is left after a page, capped: the count walks the same predicate as the page, so
 * without the cap paging through N objects would cost O(N^2).
 */
export const countRemaining = (s: QuotedSchema, where: string[], capParam: string) =>
  st('objects.count_remaining', `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${s}.objects WHERE ${where.join(' AND ')} LIMIT ${capParam}) r`);

// ---- bulk deletion, garbage collection ----------------------------------------------------

/**
 * Takes the revision lock without advancing the counter: a bulk write reserves as many
 * revisions as it acts on, in the same statement that writes them.
 */
export const lockRevision = perSchema('meta.lock_rv', (s) => `SELECT rv::text AS rv FROM ${s}.meta FOR UPDATE`);

/** CASE, not AND: jsonb_array_length must never see a non-array (AND has no evaluation order). */
const jsonArray = (path: string) => `CASE WHEN jsonb_typeof(${path}) = 'array' THEN ${path} ELSE '[]'::jsonb END`;
const HELD = `jsonb_array_length(${jsonArray(`d.body #> '{metadata,finalizers}'`)}) > 0`;
/** G4: deletionTimestamp (RFC 3339, whole seconds, UTC) and a grace period of 0 unless set. */
const markedForDeletion = (body: string) =>
  `jsonb_set(jsonb_set(${body}, '{metadata,deletionTimestamp}', to_jsonb(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))),
             '{metadata,deletionGracePeriodSeconds}', coalesce(${body} #> '{metadata,deletionGracePeriodSeconds}', '0'::jsonb))`;

/**
 * One bounded batch of a set-based delete. `scan` is the next `limit` rows of `where` in `order`
 * (keyset order, alias d, served by an index); of those, the `candidate` ones are deleted or, when
 * finalizers hold them, marked with deletionTimestamp. Already-marked ones are passed over
 * (returned without rv). Each acted-on row takes its own revision (current + row number, in key
 * order) and a change row, so watchers see one DELETED/MODIFIED per object. A last 'cursor' row
 * carries the scan's last key and size, from which the caller continues. Runs with the revision
 * lock held (lockRevision), which orders it with every other writer of the workspace.
 * `uid = ANY(ARRAY(...))` pins the uid index for the writes: a join with a CTE of unknown size
 * may be planned as a hash join over the whole table. (No SQL comments: st() joins lines.)
 */
export const deleteBatch = (s: QuotedSchema, where: string[], candidate: string, order: readonly string[], rvParam: string, limitParam: string) => {
  const by = (alias: string, dir = '') => order.map((c) => `${alias}.${c}${dir}`).join(', ');
  return st(
    'objects.delete_batch',
    `WITH scan AS (
       SELECT d.resource, d.namespace, d.name, d.uid, d.body, d.labels, d.fields, ${candidate} AS candidate
         FROM ${s}.objects d WHERE ${where.join(' AND ')} ORDER BY ${by('d')} LIMIT ${limitParam}),
     picked AS (
       SELECT d.*, ${HELD} AS held, (d.body #> '{metadata,deletionTimestamp}') IS NOT NULL AS terminating
         FROM scan d WHERE d.candidate),
     acted AS (
       SELECT p.*, ${rvParam}::bigint + row_number() OVER (ORDER BY ${by('p')}) AS new_rv
         FROM picked p WHERE NOT (p.held AND p.terminating)),
     out AS (
       SELECT a.uid, a.resource, a.namespace, a.name, a.labels, a.fields, a.held, a.new_rv,
              jsonb_set(CASE WHEN a.held THEN ${markedForDeletion('a.body')} ELSE a.body END,
                        '{metadata,resourceVersion}', to_jsonb(a.new_rv::text)) AS body
         FROM acted a),
     bump AS (UPDATE ${s}.meta SET rv = rv + (SELECT count(*) FROM out)),
     del AS (DELETE FROM ${s}.objects o WHERE o.uid = ANY(ARRAY(SELECT uid FROM out WHERE NOT held))),
     mark AS (UPDATE ${s}.objects o SET rv = out.new_rv, body = out.body FROM out
               WHERE o.uid = ANY(ARRAY(SELECT uid FROM out WHERE held)) AND o.uid = out.uid),
     ch AS (
       INSERT INTO ${s}.changes (rv, type, resource, namespace, name, uid, body, fields, prev_labels, prev_fields, created_at)
       SELECT out.new_rv, CASE WHEN out.held THEN 'MODIFIED' ELSE 'DELETED' END, out.resource, out.namespace, out.name,
              out.uid, out.body, out.fields, out.labels, out.fields, clock_timestamp() FROM out)
     (SELECT 'row' AS kind, p.resource, p.namespace, p.name, p.uid::text AS uid, out.new_rv::text AS rv, out.body, out.held AS marked, NULL::int AS scanned
        FROM picked p LEFT JOIN out ON out.uid = p.uid ORDER BY ${by('p')})
     UNION ALL
     (SELECT 'cursor', l.resource, l.namespace, l.name, l.uid::text, NULL, NULL, NULL, (SELECT count(*) FROM scan)::int
        FROM scan l ORDER BY ${by('l', ' DESC')} LIMIT 1)`,
  );
};

/**
 * GC (alias d): a dependent is garbage when none of its owners exists; each owner uid is probed
 * on objects_uid_key (anti-join). The scan itself walks objects_owned_idx (owned objects only,
 * uid order), so a batch costs O(limit) whatever the share of garbage.
 */
export const GC_SCAN = 'cardinality(d.owners) > 0';
export const gcCandidate = (s: QuotedSchema) => `NOT EXISTS (SELECT 1 FROM ${s}.objects o WHERE o.uid = ANY(d.owners))`;

/**
 * Removes one owner from a batch of its dependents (orphan propagation): the ownerReference
 * entries with that uid leave the body, the uid leaves `owners`; a MODIFIED change per object.
 * Processed rows stop matching `owners @> [uid]`, so the caller repeats until 0 rows.
 */
export const orphanBatch = perSchema(
    'objects.orphan_batch',
    (s) => `WITH picked AS (
       SELECT d.uid, d.resource, d.namespace, d.name, d.owners, d.body, d.labels, d.fields,
              $1::bigint + row_number() OVER (ORDER BY d.uid) AS new_rv
         FROM (SELECT * FROM ${s}.objects d WHERE d.owners @> ARRAY[$2::uuid] ORDER BY d.uid LIMIT $3) d),
     refs AS (
       SELECT p.*, (SELECT coalesce(jsonb_agg(e.r ORDER BY e.i), '[]'::jsonb)
                      FROM jsonb_array_elements(${jsonArray(`p.body #> '{metadata,ownerReferences}'`)}) WITH ORDINALITY e(r, i)
                     WHERE lower(e.r ->> 'uid') IS DISTINCT FROM $2::uuid::text) AS kept
         FROM picked p),
     out AS (
       SELECT r.uid, r.resource, r.namespace, r.name, r.labels, r.fields, r.new_rv, array_remove(r.owners, $2::uuid) AS owners,
              jsonb_set(CASE WHEN r.kept = '[]'::jsonb THEN r.body #- '{metadata,ownerReferences}'
                             ELSE jsonb_set(r.body, '{metadata,ownerReferences}', r.kept) END,
                        '{metadata,resourceVersion}', to_jsonb(r.new_rv::text)) AS body
         FROM refs r),
     bump AS (UPDATE ${s}.meta SET rv = rv + (SELECT count(*) FROM out)),
     upd AS (UPDATE ${s}.objects o SET rv = out.new_rv, owners = out.owners, body = out.body FROM out
              WHERE o.uid = ANY(ARRAY(SELECT uid FROM out)) AND o.uid = out.uid),
     ch AS (
       INSERT INTO ${s}.changes (rv, type, resource, namespace, name, uid, body, fields, prev_labels, prev_fields, created_at)
       SELECT out.new_rv, 'MODIFIED', out.resource, out.namespace, out.name, out.uid, out.body, out.fields, out.labels, out.fields, clock_timestamp() FROM out)
     SELECT out.new_rv::text AS rv FROM out ORDER BY out.new_rv`,
  );

/** Dependents of an owner (GIN on owners); blockingOnly keeps those with blockOwnerDeletion. */
export const dependentsOf = perSchema(
    'objects.dependents_of',
    (s) => `SELECT d.body FROM ${s}.objects d
      WHERE d.owners @> ARRAY[$1::uuid]
        AND (NOT $2::boolean OR EXISTS (
              SELECT 1 FROM jsonb_array_elements(${jsonArray(`d.body #> '{metadata,ownerReferences}'`)}) r
               WHERE lower(r ->> 'uid') = $1::uuid::text AND r -> 'blockOwnerDeletion' = 'true'::jsonb))
      ORDER BY d.resource, d.namespace, d.name`,
  );
export const countInNamespace = perSchema('objects.count_in_namespace', (s) => `SELECT count(*)::int AS n FROM ${s}.objects WHERE namespace = $1`);
export const countOfResource = perSchema('objects.count_of_resource', (s) => `SELECT count(*)::int AS n FROM ${s}.objects WHERE resource = $1`);

/** A cheap fingerprint of every object of a resource: any create, update or delete changes it. */
export const resourceStamp = perSchema('objects.resource_stamp', (s) => `SELECT coalesce(max(rv), 0)::text AS rv, count(*)::int AS n FROM ${s}.objects WHERE resource = $1`);

// ---- selectable-field indexes (CRD selectableFields) ----------------------------------------

/** Serialises index syncs of one workspace (keyed by the schema name). */
export const selectableFieldsLock = st('selectable_fields.lock', `SELECT pg_advisory_xact_lock(hashtext('kplane.selectable_fields'), hashtext($1))`);
/** The engine's selectable-field indexes of a schema ($1, unquoted) with their descriptor comment. */
export const listSelectableFieldIndexes = st(
  'selectable_fields.list',
  `SELECT c.relname AS name, d.description
     FROM pg_catalog.pg_class c
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
    WHERE n.nspname = $1 AND c.relkind = 'i' AND c.relname LIKE 'objects\\_sf\\_%'
    ORDER BY c.relname`,
);

/** Checked here too, because this is the point where the name is interpolated. */
function indexIdent(name: string): string {
  if (!SELECTABLE_FIELD_INDEX_PATTERN.test(name)) throw new StoreError('STORE_INVALID_NAME', 'invalid selectable-field index name');
  return name;
}

/**
 * A partial expression index over one selectable field of one resource. `expr`, `resourceLit`
 * and `commentLit` come from selectable-fields.ts (pattern-checked, escapeLiteral-quoted).
 * namespace, name follow the expression so an equality list is read in key order (keyset pages
 * stop after `limit` rows instead of sorting every match).
 */
export const createSelectableFieldIndex = (s: QuotedSchema, name: string, expr: string, resourceLit: string) =>
  st('selectable_fields.create', `CREATE INDEX IF NOT EXISTS ${indexIdent(name)} ON ${s}.objects ((${expr}), namespace, name) WHERE resource = ${resourceLit}`);
export const commentSelectableFieldIndex = (s: QuotedSchema, name: string, commentLit: string) =>
  st('selectable_fields.comment', `COMMENT ON INDEX ${s}.${indexIdent(name)} IS ${commentLit}`);
export const dropSelectableFieldIndex = (s: QuotedSchema, name: string) =>
  st('selectable_fields.drop', `DROP INDEX IF EXISTS ${s}.${indexIdent(name)}`);
