import { QuotedSchema } from '../schemas/workspace-schema-name';
import { compileSelectors } from '../selectors/selector-sql.compiler';
import { FieldRequirement, LabelRequirement } from '../selectors/selector-types';
import { SqlParams } from '../sql/sql-params';
import { deleteBatch, GC_SCAN, gcCandidate, Statement } from '../sql/statements';

/** What a bulk delete walks, and in which keyset order (each order is served by an index). */
export type DeleteScope =
  /** deletecollection: one resource, optionally one namespace, selectors. PK order. */
  | {
      kind: 'collection';
      resource: string;
      namespace?: string;
      labelSelector?: LabelRequirement[];
      fieldSelector?: FieldRequirement[];
      fieldPaths?: Record<string, string[]>;
    }
  /** Namespace controller: every resource in one namespace (objects_namespace_idx). */
  | { kind: 'namespace'; namespace: string }
  /** Garbage collection: objects whose owners are all gone (scans objects_owned_idx in uid order). */
  | { kind: 'garbage' };

/** The key of the last row a batch looked at; the next batch starts after it. */
export interface BatchCursor {
  resource: string;
  namespace: string;
  name: string;
  uid: string;
}

const ORDER: Record<DeleteScope['kind'], readonly string[]> = {
  collection: ['namespace', 'name'],
  namespace: ['resource', 'name'],
  garbage: ['uid'],
};

/** One batch of deleteBatch as SQL. Pure, so the generated text is golden-tested. */
export function buildDeleteBatch(schema: QuotedSchema, scope: DeleteScope, after: BatchCursor | undefined, rv: string, limit: number): { statement: Statement; values: unknown[] } {
  const p = new SqlParams();
  const rvParam = p.add(rv);
  const limitParam = p.add(limit);
  const where: string[] = [];
  let candidate = 'true';
  switch (scope.kind) {
    case 'collection':
      where.push(`d.resource = ${p.add(scope.resource)}`);
      if (scope.namespace !== undefined) where.push(`d.namespace = ${p.add(scope.namespace)}`);
      // The compiler emits bare column names; they resolve to d (the only objects in scope there).
      where.push(...compileSelectors(scope.labelSelector, scope.fieldSelector, p, scope.fieldPaths));
      if (after) where.push(`(d.namespace, d.name) > (${p.add(after.namespace)}, ${p.add(after.name)})`);
      break;
    case 'namespace':
      where.push(`d.namespace = ${p.add(scope.namespace)}`);
      if (after) where.push(`(d.resource, d.name) > (${p.add(after.resource)}, ${p.add(after.name)})`);
      break;
    case 'garbage':
      // The anti-join is the candidate test, not part of the scan: a scan bounded in rows
      // keeps each batch O(limit) however few of the owned objects are garbage.
      where.push(GC_SCAN);
      candidate = gcCandidate(schema);
      if (after) where.push(`d.uid > ${p.add(after.uid)}::uuid`);
      break;
  }
  return { statement: deleteBatch(schema, where, candidate, ORDER[scope.kind], rvParam, limitParam), values: p.values };
}
