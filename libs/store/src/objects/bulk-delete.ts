import { Pool } from 'pg';
import { QuotedSchema } from '../schemas/workspace-schema-name';
import * as sql from '../sql/statements';
import { inWorkspaceTx, WorkspaceTx } from '../sql/workspace-tx';
import { BatchCursor, buildDeleteBatch, DeleteScope } from './bulk-query.builder';
import { KubeObject } from './kube-object.types';
import { formatChangeSignal } from '../watch/change-signal';

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
export async function inBulkWrite(ctx: BulkContext, fn: (tx: WorkspaceTx, rv: string) => Promise<string | null>, resource?: string): Promise<void> {
  await inWorkspaceTx(ctx.pool, ctx.schema, 'write', async (tx) => {
    const [{ rv }] = await tx.run<{ rv: string }>(sql.lockRevision(ctx.schema));
    const last = await fn(tx, rv);
    if (last === null) tx.rollbackOnly();
    else await tx.run(sql.notifyChange, [formatChangeSignal(ctx.workspaceId, last, resource)]);
  });
}

export interface BatchResult {
  /** Candidates, in key order (= revision order); rv null when passed over. */
  rows: BatchRow[];
  /** Last key the batch scanned (undefined: nothing left) and whether the scan was cut short. */
  cursor?: BatchCursor;
  more: boolean;
}

/** One batch in its own transaction. */
export async function runDeleteBatch(ctx: BulkContext, scope: DeleteScope, after: BatchCursor | undefined, limit: number): Promise<BatchResult> {
  let out: (BatchRow & { kind: 'row' | 'cursor'; scanned: number | null })[] = [];
  await inBulkWrite(ctx, async (tx, rv) => {
    const q = buildDeleteBatch(ctx.schema, scope, after, rv, limit);
    out = await tx.run(q.statement, q.values);
    return lastRevision(out);
  }, scope.kind === 'collection' ? scope.resource : undefined);
  const cursor = out.find((r) => r.kind === 'cursor');
  return { rows: out.filter((r) => r.kind === 'row'), cursor, more: (cursor?.scanned ?? 0) >= limit };
}

/**
 * Walks the scope in bounded batches (one transaction each, so the revision lock that every
 * writer queues on is never held for more than one batch). A scope that fits in one batch is
 * one transaction. Objects created behind the cursor meanwhile are not visited (as with
 * Kubernetes' list-then-delete deletecollection). Returns false if maxBatches cut the walk.
 */
export async function deleteInBatches(ctx: BulkContext, scope: DeleteScope, limit: number, onBatch: (acted: BatchRow[]) => void, maxBatches = Infinity): Promise<boolean> {
  let after: BatchCursor | undefined;
  for (let i = 0; i < maxBatches; i++) {
    const b = await runDeleteBatch(ctx, scope, after, limit);
    // Key order is revision order; sorted here anyway since UNION ALL promises no order.
    onBatch(b.rows.filter((r) => r.rv !== null).sort((x, y) => (BigInt(x.rv!) < BigInt(y.rv!) ? -1 : 1)));
    if (!b.more) return true;
    after = b.cursor;
  }
  return false;
}

function lastRevision(rows: { rv: string | null }[]): string | null {
  let last: bigint | null = null;
  for (const r of rows) if (r.rv !== null && (last === null || BigInt(r.rv) > last)) last = BigInt(r.rv);
  return last === null ? null : last.toString();
}

