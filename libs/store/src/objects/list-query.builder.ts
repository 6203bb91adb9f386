import { QuotedSchema } from '../schemas/workspace-schema-name';
import { compileSelectors } from '../selectors/selector-sql.compiler';
import { SqlParams } from '../sql/sql-params';
import { listObjects, Statement } from '../sql/statements';
import { ListOptions } from './kube-object.types';

export interface ListQuery {
  statement: Statement;
  values: unknown[];
}

/**
 * One page of a list as SQL. Fetches `limit + 1` rows so the caller knows whether to hand out a
 * continue token without a second query. Pure, so the SQL is golden-tested.
 */
export function buildListQuery(
  schema: QuotedSchema,
  resource: string,
  opts: Pick<ListOptions, 'namespace' | 'labelSelector' | 'fieldSelector'>,
  page: { after?: { ns: string; name: string }; limit?: number } = {},
): ListQuery {
  const p = new SqlParams();
  const where = [`resource = ${p.add(resource)}`];
  if (opts.namespace !== undefined) where.push(`namespace = ${p.add(opts.namespace)}`);
  where.push(...compileSelectors(opts.labelSelector, opts.fieldSelector, p));
  if (page.after) where.push(`(namespace, name) > (${p.add(page.after.ns)}, ${p.add(page.after.name)})`);
  const limitParam = page.limit && page.limit > 0 ? p.add(page.limit + 1) : undefined;
  return { statement: listObjects(schema, where, limitParam), values: p.values };
}
