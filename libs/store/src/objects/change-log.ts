import { QuotedSchema } from '../schemas/workspace-schema-name';
import * as sql from '../sql/statements';
import { WorkspaceTx } from '../sql/workspace-tx';
import { StoreError } from '../store.errors';
import { ChangeEvent, CompactOptions, CompactResult } from './change-log.types';

const REVISION = /^(0|[1-9][0-9]{0,18})$/;

/** Runs one statement under the workspace role (inWorkspaceStatement, bound to a pool). */
export type RunStatement = <R extends Record<string, any>>(stmt: sql.Statement, values: unknown[]) => Promise<R[]>;

/**
 * Changes after `rv`, oldest first; STORE_EXPIRED if compaction already removed some of them.
 * One statement, so one snapshot and one round trip: the watch hub's hot path.
 */
export async function readChangesSince(run: RunStatement, s: QuotedSchema, rv: string, limit: number): Promise<ChangeEvent[]> {
  if (!REVISION.test(rv)) throw new StoreError('STORE_EXPIRED', `resourceVersion ${JSON.stringify(rv).slice(0, 40)} is not a revision`);
  const rows = await run<Record<string, any>>(sql.changesSince(s), [rv, Math.max(1, Math.floor(limit))]);
  const compacted = rows[0].compacted as string;
  if (BigInt(rv) < BigInt(compacted)) throw new StoreError('STORE_EXPIRED', `too old resource version: ${rv} (${compacted})`);
  return rows
    .filter((r) => r.rv !== null)
    .map((r) => ({
      rv: r.rv,
      type: r.type,
      resource: r.resource,
      namespace: r.namespace,
      name: r.name,
      uid: r.uid,
      object: r.body,
      fields: r.fields,
      prevLabels: r.prev_labels,
      prevFields: r.prev_fields,
    }));
}

export async function readCompactedRevision(tx: WorkspaceTx, s: QuotedSchema): Promise<string> {
  return (await tx.run<{ rv: string }>(sql.compactedRevision(s)))[0].rv;
}

/** Deletes a prefix of the change log and moves the horizon that watches are checked against. */
export async function compactChanges(tx: WorkspaceTx, s: QuotedSchema, opts: CompactOptions): Promise<CompactResult> {
  const keepSeconds = Math.max(0, Number(opts.keepSeconds) || 0);
  const keepCount = Math.max(0, Math.floor(Number(opts.keepCount) || 0));
  const [h] = await tx.run<{ by_count: string; by_age: string | null }>(sql.compactionHorizon(s), [keepSeconds, keepCount]);
  if (h.by_age === null || BigInt(h.by_count) < 1n) {
    return { deleted: 0, compactedResourceVersion: await readCompactedRevision(tx, s) };
  }
  const horizon = BigInt(h.by_age) < BigInt(h.by_count) ? h.by_age : h.by_count;
  const deleted = await tx.runCount(sql.deleteChangesUpTo(s), [horizon]);
  const [{ rv }] = await tx.run<{ rv: string }>(sql.advanceCompaction(s), [horizon]);
  return { deleted, compactedResourceVersion: rv };
}
