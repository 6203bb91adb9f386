import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { LIFECYCLE_JOB_OPTIONS, LifecycleJobData, LifecycleJobName, lifecycleJobId, WORKSPACE_LIFECYCLE_QUEUE } from './queue-contracts';

/** What Redis knows of an operation's job: `live` will run (or is running), `dead` never will, `missing` is gone. */
export type LifecycleJobPresence = 'live' | 'dead' | 'missing';

const LIVE_STATES = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);

/**
 * Enqueues operations that are already recorded in Postgres. Redis is a cache of intent:
 * if enqueueing fails the operation stays Queued and the sweeper enqueues it later.
 */
export class LifecycleProducer {
  private readonly queue: Queue<LifecycleJobData, unknown, LifecycleJobName>;

  constructor(connection: IORedis, prefix: string) {
    this.queue = new Queue(WORKSPACE_LIFECYCLE_QUEUE, { connection, prefix });
  }

  async enqueue(type: LifecycleJobName, operationId: string): Promise<void> {
    await this.queue.add(type, { operationId }, { ...LIFECYCLE_JOB_OPTIONS, jobId: lifecycleJobId(operationId) });
  }

  /** Whether the operation's job will still run. */
  async presence(operationId: string): Promise<LifecycleJobPresence> {
    const job = await this.queue.getJob(lifecycleJobId(operationId));
    if (!job) return 'missing';
    const state = await job.getState();
    if (state === 'unknown') return 'missing';
    return LIVE_STATES.has(state) ? 'live' : 'dead';
  }

  /**
   * Enqueues the operation again. A finished (completed/failed) job with the same id would make
   * `add` a no-op, so it is removed first; a live job is left alone. Returns whether a job was added.
   */
  async requeue(type: LifecycleJobName, operationId: string): Promise<boolean> {
    const job = await this.queue.getJob(lifecycleJobId(operationId));
    if (job) {
      const state = await job.getState();
      if (LIVE_STATES.has(state)) return false;
      await job.remove().catch(() => undefined);
    }
    await this.enqueue(type, operationId);
    return true;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
