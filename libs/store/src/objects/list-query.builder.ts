import { QuotedSchema } from '../schemas/workspace-schema-name';
import { compileSelectors } from '../selectors/selector-sql.compiler';
import { SqlParams } from '../sql/sql-params';
import { countRemaining, listObjects, Statement } from '../sql/statements';
import { ListOptions } from './kube-object.types';

export interface ListQuery {
  statement: Statement;
  values: unknown[];
}

type ListFilter = Pick<ListOptions, 'namespace' | 'labelSelector' | 'fieldSelector' | 'fieldPaths'>;

/** remainingItemCount is counted up to this many rows and left unset beyond (see below). */
export const REMAINING_COUNT_CAP = 10_000;

function listWhere(resource: string, opts: ListFilter, after: { ns: string; name: string } | undefined, p: SqlParams): string[] {
  const where = [`resource = ${p.add(resource)}`];
  if (opts.namespace !== undefined) where.push(`namespace = ${p.add(opts.namespace)}`);
  where.push(...compileSelectors(opts.labelSelector, opts.fieldSelector, p, opts.fieldPaths));
  if (after) where.push(`(namespace, name) > (${p.add(after.ns)}, ${p.add(after.name)})`);
  return where;
}

/**
 * One page of a list as SQL. Fetches `limit + 1` rows so the caller knows whether to hand out a
 * continue token without a second query. Pure, so the SQL is golden-tested.
 */
export function buildListQuery(
  schema: QuotedSchema,
  resource: string,
  opts: ListFilter,
  page: { after?: { ns: string; name: string }; limit?: number } = {},
): ListQuery {
  const p = new SqlParams();
  const where = listWhere(resource, opts, page.after, p);
  const limitParam = page.limit && page.limit > 0 ? p.add(page.limit + 1) : undefined;
  return { statement: listObjects(schema, where, limitParam), values: p.values };
}

/**
 * Whether remainingItemCount is reported. Kubernetes leaves it unset when the list has label or
 * field selectors, and so do we: without selectors the count is an index-only range scan of the
 * primary key after the page's last key; with them it could walk unindexed predicates.
 */
export function remainingCountable(opts: ListFilter): boolean {
  return !opts.labelSelector?.length && !opts.fieldSelector?.length;
}

/** Rows after `after`, capped at REMAINING_COUNT_CAP (so paging through N rows stays O(N)). */
export function buildRemainingCountQuery(schema: QuotedSchema, resource: string, opts: ListFilter, after: { ns: string; name: string }): ListQuery {
  const p = new SqlParams();
  const where = listWhere(resource, opts, after, p);
  return { statement: countRemaining(schema, where, p.add(REMAINING_COUNT_CAP)), values: p.values };
}
