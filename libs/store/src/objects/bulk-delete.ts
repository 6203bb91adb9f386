import { Pool } from 'pg';
import { QuotedSchema } from '../schemas/workspace-schema-name';
import * as sql from '../sql/statements';
import { inWorkspaceTx, WorkspaceTx } from '../sql/workspace-tx';
import { BatchCursor, buildDeleteBatch, DeleteScope } from './bulk-query.builder';
import { KubeObject } from './kube-object.types';

/** Where a bulk operation runs: the pool, the checked schema and the id used in NOTIFY payloads. */
export interface BulkContext {
  pool: Pool;
  schema: QuotedSchema;
  workspaceId: string;
}

/** One row a batch looked at; rv/body are null when it was passed over (already terminating). */
export interface BatchRow extends BatchCursor {
  rv: string | null;
  body: KubeObject | null;
  marked: boolean | null;
}

export const DEFAULT_BATCH_SIZE = 1000;

export function batchSize(n: number | undefined): number {
  return n !== undefined && Number.isFinite(n) && n >= 1 ? Math.min(Math.floor(n), 10_000) : DEFAULT_BATCH_SIZE;
}

/**
 * A write transaction that reserves revisions itself: takes the revision lock (so it is ordered
 * with every writer), lets `fn` take `n` revisions after `rv`, NOTIFYs once with the last one
 * (the hub reads the change log from each watcher's cursor, so one wake-up covers the batch),
 * and rolls back when nothing was written.
 */
export async function inBulkWrite(ctx: BulkContext, fn: (tx: WorkspaceTx, rv: string) => Promise<string | null>): Promise<void> {
  await inWorkspaceTx(ctx.pool, ctx.schema, 'write', async (tx) => {
    const [{ rv }] = await tx.run<{ rv: string }>(sql.lockRevision(ctx.schema));
    const last = await fn(tx, rv);
    if (last === null) tx.rollbackOnly();
    else await tx.run(sql.notifyChange, [`${ctx.workspaceId}:${last}`]);
  });
}

/** One batch in its own transaction; returns every row it looked at, in key order. */
export async function runDeleteBatch(ctx: BulkContext, scope: DeleteScope, after: BatchCursor | undefined, limit: number): Promise<BatchRow[]> {
  let rows: BatchRow[] = [];
  await inBulkWrite(ctx, async (tx, rv) => {
    const q = buildDeleteBatch(ctx.schema, scope, after, rv, limit);
    rows = await tx.run<BatchRow>(q.statement, q.values);
    return lastRevision(rows);
  });
  return rows;
}

/**
 * Walks the scope in bounded batches (one transaction each, so the revision lock that every
 * writer queues on is never held for more than one batch). A scope that fits in one batch is
 * one transaction. Objects created behind the cursor meanwhile are not visited (as with
 * Kubernetes' list-then-delete deletecollection).
 */
export async function deleteInBatches(ctx: BulkContext, scope: DeleteScope, limit: number, onBatch: (acted: BatchRow[]) => void, maxBatches = Infinity): Promise<void> {
  let after: BatchCursor | undefined;
  for (let i = 0; i < maxBatches; i++) {
    const rows = await runDeleteBatch(ctx, scope, after, limit);
    onBatch(rows.filter((r) => r.rv !== null));
    if (rows.length < limit) return;
    after = rows[rows.length - 1];
  }
}

function lastRevision(rows: { rv: string | null }[]): string | null {
  let last: bigint | null = null;
  for (const r of rows) if (r.rv !== null && (last === null || BigInt(r.rv) > last)) last = BigInt(r.rv);
  return last === null ? null : last.toString();
}

