import type { OperationType } from './operation.entity';
import type { StaleOperation } from './operations-sweep.repository';

/** What the sweeper needs of the queue, as a plain port (the worker binds it to BullMQ). */
export interface SweepQueuePort {
  /** `live`: the job will still run; `dead`: it finished or failed; `missing`: Redis has no such job. */
  presence(operationId: string): Promise<'live' | 'dead' | 'missing'>;
  /** Enqueues again with job id = operation id; returns false when a live job already exists. */
  requeue(type: OperationType, operationId: string): Promise<boolean>;
}

export interface SweepSourcePort {
  findStaleInFlight(olderThan: Date, limit: number): Promise<StaleOperation[]>;
}

export interface SweepOptions {
  now: Date;
  graceMs: number;
  limit: number;
}

export interface SweepResult {
  examined: number;
  requeued: { id: string; type: OperationType; status: string; presence: 'dead' | 'missing' }[];
  failed: { id: string; error: string }[];
}

/**
 * Postgres is the record, Redis a cache of intent: every operation Queued or Running past the
 * grace period whose job Redis does not hold alive (lost data, an enqueue that failed while Redis
 * was down, a job that failed while the row could not be updated) is enqueued again. The job id is
 * the operation id, so this never makes an operation run twice at once.
 */
export async function sweepOperations(source: SweepSourcePort, queue: SweepQueuePort, opts: SweepOptions): Promise<SweepResult> {
  const stale = await source.findStaleInFlight(new Date(opts.now.getTime() - opts.graceMs), opts.limit);
  const result: SweepResult = { examined: stale.length, requeued: [], failed: [] };
  for (const op of stale) {
    try {
      const presence = await queue.presence(op.id);
      if (presence === 'live') continue;
      if (await queue.requeue(op.type, op.id)) result.requeued.push({ id: op.id, type: op.type, status: op.status, presence });
    } catch (err) {
      result.failed.push({ id: op.id, error: (err as Error).message });
    }
  }
  return result;
}
