/**
 * The one thing the audit code needs of a database handle. Both a `pg` Pool/Client
 * (resolves to `{rows}`) and a TypeORM DataSource/EntityManager (resolves to the rows)
 * satisfy it.
 */
export interface SqlExecutor {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export async function queryRows<T>(db: SqlExecutor, sql: string, params: unknown[]): Promise<T[]> {
  const result = await db.query(sql, params);
  if (Array.isArray(result)) return result as T[];
  if (result && typeof result === 'object' && Array.isArray((result as { rows?: unknown }).rows)) return (result as { rows: T[] }).rows;
  return [];
}
