// Bulk seeding by SQL: clones one object (created over HTTP, so its stored form is exactly what
// the apiserver writes) N times inside the workspace schema with INSERT ... SELECT FROM
// generate_series, in batches, each batch one transaction under the workspace role.
//
// Rows have the same shape as WorkspaceStore.create writes (libs/store/src/sql/statements.ts
// `objects.create`, objects/write-row.mapper.ts): resource, namespace, name, a fresh uid, one
// revision per object reserved from meta.rv (so later writes continue above them), labels and
// fields columns equal to metadata.labels and the selector field values the apiserver computes,
// owners copied, and a body whose metadata.name/namespace/uid/labels/resourceVersion match the
// row. No `changes` rows are written (nothing watches during seeding; the change log only serves
// watches from a revision). Then ANALYZE so the planner sees the new distribution.
import { workspaceSchemaName } from '@kplane/store';
import type { Pool } from 'pg';

export interface CloneSpec {
  /** The template row's key. */
  resource: string;
  namespace: string;
  name: string;
  /** Clone indices [from, to), as `g.i` (bigint) in the SQL expressions below. */
  from: number;
  to: number;
  /** SQL text expressions; may use g.i and the template row as t.* */
  nameExpr: string;
  namespaceExpr?: string;
  labelsExpr: string;
  /** Default: the template's fields. */
  fieldsExpr?: string;
  /** Applied to the body before metadata is rewritten; default t.body. */
  bodyExpr?: string;
  batch?: number;
  onProgress?: (done: number) => void;
}

export async function bulkClone(pool: Pool, workspaceId: string, spec: CloneSpec): Promise<{ rows: number; ms: number }> {
  const schema = `"${workspaceSchemaName(workspaceId)}"`;
  const batch = spec.batch ?? 50_000;
  const ns = spec.namespaceExpr ?? 't.namespace';
  const insert = `
    INSERT INTO ${schema}.objects (resource, namespace, name, uid, rv, labels, fields, owners, body)
    SELECT t.resource, x.namespace, x.name, x.uid, x.rv, x.labels, ${spec.fieldsExpr ?? 't.fields'}, t.owners,
           jsonb_set(jsonb_set(jsonb_set(jsonb_set(
             CASE WHEN x.namespace = '' THEN ${spec.bodyExpr ?? 't.body'}
                  ELSE jsonb_set(${spec.bodyExpr ?? 't.body'}, '{metadata,namespace}', to_jsonb(x.namespace)) END,
             '{metadata,name}', to_jsonb(x.name)),
             '{metadata,uid}', to_jsonb(x.uid::text)),
             '{metadata,labels}', x.labels),
             '{metadata,resourceVersion}', to_jsonb(x.rv::text))
      FROM ${schema}.objects t
     CROSS JOIN generate_series($1::bigint, $2::bigint) AS g(i)
     CROSS JOIN LATERAL (SELECT ${spec.nameExpr} AS name, ${ns} AS namespace, gen_random_uuid() AS uid,
                                ${spec.labelsExpr} AS labels, $6::bigint + (g.i - $1::bigint) + 1 AS rv) AS x
     WHERE t.resource = $3 AND t.namespace = $4 AND t.name = $5`;
  const started = Date.now();
  let rows = 0;
  for (let lo = spec.from; lo < spec.to; lo += batch) {
    const hi = Math.min(spec.to, lo + batch);
    const c = await pool.connect();
    try {
      await c.query(`BEGIN; SET LOCAL ROLE ${schema}`);
      const { rows: m } = await c.query<{ rv: string }>(`SELECT rv::text AS rv FROM ${schema}.meta FOR UPDATE`);
      const r = await c.query(insert, [lo, hi - 1, spec.resource, spec.namespace, spec.name, m[0].rv]);
      if (r.rowCount !== hi - lo) throw new Error(`bulk clone inserted ${r.rowCount} rows, expected ${hi - lo} (template missing?)`);
      await c.query(`UPDATE ${schema}.meta SET rv = rv + $1::bigint`, [hi - lo]);
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
    rows += hi - lo;
    spec.onProgress?.(rows);
  }
  await pool.query(`ANALYZE ${schema}.objects`);
  return { rows, ms: Date.now() - started };
}
