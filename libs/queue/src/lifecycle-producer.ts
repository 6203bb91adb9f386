import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { LIFECYCLE_JOB_OPTIONS, LifecycleJobData, LifecycleJobName, lifecycleJobId, WORKSPACE_LIFECYCLE_QUEUE } from './queue-contracts';

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

  async close(): Promise<void> {
    await this.queue.close();
  }
}
