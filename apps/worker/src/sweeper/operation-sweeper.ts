import { Inject, Injectable } from '@nestjs/common';
import { OperationsSweepRepository, sweepOperations, SweepResult } from '@kplane/control';
import { LifecycleProducer } from '@kplane/queue';
import { PinoLogger } from 'nestjs-pino';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { WORKER_CONFIG, WorkerConfig } from '../worker-config';

export const LIFECYCLE_PRODUCER = Symbol('LIFECYCLE_PRODUCER');

/** Re-enqueues operations Redis lost or never received (see sweepOperations in @kplane/control). */
@Injectable()
export class OperationSweeper {
  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly source: OperationsSweepRepository,
    @Inject(LIFECYCLE_PRODUCER) private readonly producer: LifecycleProducer,
    private readonly metrics: WorkerMetrics,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('OperationSweeper');
  }

  async sweep(): Promise<SweepResult> {
    const result = await sweepOperations(this.source, this.producer, {
      now: new Date(),
      graceMs: this.config.sweep.graceSeconds * 1000,
      limit: 500,
    });
    for (const r of result.requeued) this.metrics.sweptOperations.inc({ reason: r.presence === 'missing' ? 'job_missing' : 'job_dead' });
    if (result.requeued.length) {
      this.logger.warn({ requeued: result.requeued.map((r) => ({ operationId: r.id, type: r.type, status: r.status, job: r.presence })) }, 'operations re-enqueued');
    }
    if (result.failed.length) this.logger.warn({ failed: result.failed }, 'sweeping some operations failed');
    return result;
  }
}
