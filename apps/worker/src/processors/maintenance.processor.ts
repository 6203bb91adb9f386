import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MAINTENANCE_JOBS, MAINTENANCE_QUEUE, MaintenanceJobName } from '@kplane/queue';
import { compactAll } from '@kplane/store';
import { Job, Queue } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { Pool } from 'pg';
import { SHARD_POOL } from '../lifecycle/lifecycle-deps.provider';
import { WorkspaceGarbageCollector } from '../maintenance/workspace-garbage-collector';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { WorkspaceReconciler } from '../reconciliation/workspace-reconciler';
import { OperationSweeper } from '../sweeper/operation-sweeper';
import { WORKER_CONFIG, WorkerConfig } from '../worker-config';
import { UsageMeter } from '../metering/usage-meter';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher';
import { WebhookOutbox } from '@kplane/control';
import { SparePool } from '../spares/spare-pool';

/**
 * Scheduled upkeep. Job schedulers live in Redis, so however many workers run, each job runs
 * once per interval. Redis may lose them (a restart without persistence), so they are upserted
 * at start and again every sweep interval; upserting is idempotent.
 */
@Processor(MAINTENANCE_QUEUE)
export class MaintenanceProcessor extends WorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(SHARD_POOL) private readonly pool: Pool,
    @InjectQueue(MAINTENANCE_QUEUE) private readonly queue: Queue,
    private readonly gc: WorkspaceGarbageCollector,
    private readonly sweeper: OperationSweeper,
    private readonly reconciler: WorkspaceReconciler,
    private readonly metrics: WorkerMetrics,
    private readonly logger: PinoLogger,
    private readonly meter: UsageMeter,
    private readonly webhooks: WebhookDispatcher,
    private readonly outbox: WebhookOutbox,
    private readonly spares: SparePool,
  ) {
    super();
    this.logger.setContext('MaintenanceProcessor');
  }

  onApplicationBootstrap(): void {
    // Not awaited: with Redis down the worker still starts and catches up when it returns.
    void this.ensureSchedulers();
    this.timer = setInterval(() => void this.ensureSchedulers(), this.config.sweep.everySeconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async ensureSchedulers(): Promise<void> {
    const keep = { removeOnComplete: { count: 10 }, removeOnFail: { count: 50 } };
    const schedules: [string, number, MaintenanceJobName][] = [
      ['compact-change-logs', this.config.changeLog.compactEverySeconds, MAINTENANCE_JOBS.compactChangeLogs],
      ['collect-garbage', this.config.gcEverySeconds, MAINTENANCE_JOBS.collectGarbage],
      ['sweep-operations', this.config.sweep.everySeconds, MAINTENANCE_JOBS.sweepOperations],
      ['reconcile-workspaces', this.config.reconcile.everySeconds, MAINTENANCE_JOBS.reconcileWorkspaces],
      ['meter-usage', this.config.metering.everySeconds, MAINTENANCE_JOBS.meterUsage],
      ['sweep-webhooks', this.config.webhooks.sweepEverySeconds, MAINTENANCE_JOBS.sweepWebhooks],
      ['top-up-spare-workspaces', this.config.spares.everySeconds, MAINTENANCE_JOBS.topUpSpareWorkspaces],
    ];
    try {
      for (const [id, seconds, name] of schedules) await this.queue.upsertJobScheduler(id, { every: seconds * 1000 }, { name, opts: keep });
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not register maintenance schedules; will try again');
    }
  }

  async process(job: Job<unknown, unknown, MaintenanceJobName>): Promise<unknown> {
    return this.metrics.track(MAINTENANCE_QUEUE, job.name, () => this.handle(job.name));
  }

  private async handle(name: MaintenanceJobName): Promise<unknown> {
    switch (name) {
      case 'CompactChangeLogs': {
        const { keepSeconds, keepCount } = this.config.changeLog;
        const result = await compactAll(this.pool, { keepSeconds, keepCount }, { logger: this.logger });
        if (result.deleted > 0) this.logger.info({ ...result }, 'change logs compacted');
        return result;
      }
      case 'CollectGarbage':
        return this.gc.sweepAll();
      case 'SweepOperations': {
        const r = await this.sweeper.sweep();
        return { examined: r.examined, requeued: r.requeued.length, failed: r.failed.length };
      }
      case 'ReconcileWorkspaces': {
        const r = await this.reconciler.reconcile();
        return { dropped: r.dropped.length, markedFailed: r.markedFailed.length, credentialsDeleted: r.credentialsDeleted, deferred: r.plan.deferred.length };
      }
      case 'MeterUsage': {
        const r = await this.meter.run();
        if (r.failed.length) this.logger.warn({ failed: r.failed.slice(0, 10), count: r.failed.length }, 'some workspaces could not be metered; they are sampled next time');
        return { sampled: r.sampled, failed: r.failed.length, events: r.events };
      }
      case 'SweepWebhooks': {
        const r = await this.webhooks.dispatch();
        const pruned = await this.outbox.prune(this.config.webhooks.retentionSeconds);
        return { ...r, pruned };
      }
      case 'TopUpSpareWorkspaces':
        return this.spares.topUp();
      default: {
        const unreachable: never = name;
        throw new Error(`no handler for maintenance job ${String(unreachable)}`);
      }
    }
  }
}
