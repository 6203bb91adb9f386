import * as sql from '../sql/statements';
import { inWorkspaceTx } from '../sql/workspace-tx';
import { StoreError } from '../store.errors';
import { batchSize, BulkContext, deleteInBatches, inBulkWrite } from './bulk-delete';
import { KubeObject } from './kube-object.types';

const DEFAULT_MAX_BATCHES = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CollectGarbageOptions {
  /** Objects per transaction (default 1,000). */
  batchSize?: number;
  /**
   * Upper bound on transactions per pass, so one call of the worker stays bounded (default
   * 1,000: a million owned objects scanned). A pass cut short ends the call; the next call
   * starts over from the lowest uid.
   */
  maxBatches?: number;
}

/**
 * Background GC (G5): deletes objects all of whose owners are gone, finalizer-held ones get
 * deletionTimestamp instead. A pass walks the owned objects in uid order; deleting an owner can
 * orphan its dependents, so passes repeat until one deletes nothing (fixpoint) or the batch
 * budget is spent. Returns how many objects were deleted or marked.
 */
export async function collectGarbage(ctx: BulkContext, opts: CollectGarbageOptions = {}): Promise<number> {
  const limit = batchSize(opts.batchSize);
  let budget = opts.maxBatches !== undefined && opts.maxBatches >= 1 ? Math.floor(opts.maxBatches) : DEFAULT_MAX_BATCHES;
  let total = 0;
  for (;;) {
    let deletedInPass = 0;
    const complete = await deleteInBatches(
      ctx,
      { kind: 'garbage' },
      limit,
      (rows) => {
        total += rows.length;
        deletedInPass += rows.filter((r) => !r.marked).length;
      },
      budget,
    );
    if (!complete || deletedInPass === 0) return total;
    budget -= 1; // at least one batch was spent; the exact count does not matter for a bound
  }
}

/** Orphan propagation: strips `ownerUid` from every dependent; returns how many were changed. */
export async function orphanDependents(ctx: BulkContext, ownerUid: string, limit = 1000): Promise<number> {
  const uid = checkUid(ownerUid);
  let total = 0;
  for (;;) {
    let n = 0;
    await inBulkWrite(ctx, async (tx, rv) => {
      const rows = await tx.run<{ rv: string }>(sql.orphanBatch(ctx.schema), [rv, uid, limit]);
      n = rows.length;
      return n === 0 ? null : rows[n - 1].rv;
    });
    total += n;
    if (n < limit) return total;
  }
}

/** Dependents of `ownerUid` (for foreground deletion), in key order. */
export async function dependentsOf(ctx: BulkContext, ownerUid: string, blockingOnly: boolean): Promise<KubeObject[]> {
  const uid = checkUid(ownerUid);
  return inWorkspaceTx(ctx.pool, ctx.schema, 'read', async (tx) =>
    (await tx.run<{ body: KubeObject }>(sql.dependentsOf(ctx.schema), [uid, blockingOnly])).map((r) => r.body),
  );
}

function checkUid(uid: string): string {
  if (typeof uid !== 'string' || !UUID.test(uid)) throw new StoreError('STORE_INVALID_NAME', 'owner uid must be a uuid');
  return uid.toLowerCase();
}
