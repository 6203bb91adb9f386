import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { MAINTENANCE_JOBS, MAINTENANCE_QUEUE, MaintenanceJobName } from '@kplane/queue';
import { compactAll } from '@kplane/store';
import { Job, Queue } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { Pool } from 'pg';
import { SHARD_POOL } from '../lifecycle/lifecycle-deps.provider';
import { WorkspaceGarbageCollector } from '../maintenance/workspace-garbage-collector';
import { WORKER_CONFIG, WorkerConfig } from '../worker-config';

/**
 * Scheduled upkeep. Job schedulers live in Redis, so however many workers run, each job runs
 * once per interval; upserting them at start keeps intervals in line with configuration.
 */
@Processor(MAINTENANCE_QUEUE)
export class MaintenanceProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(SHARD_POOL) private readonly pool: Pool,
    @InjectQueue(MAINTENANCE_QUEUE) private readonly queue: Queue,
    private readonly gc: WorkspaceGarbageCollector,
    private readonly logger: PinoLogger,
  ) {
    super();
    this.logger.setContext('MaintenanceProcessor');
  }

  async onApplicationBootstrap(): Promise<void> {
    const keep = { removeOnComplete: { count: 10 }, removeOnFail: { count: 50 } };
    await this.queue.upsertJobScheduler(
      'compact-change-logs',
      { every: this.config.changeLog.compactEverySeconds * 1000 },
      { name: MAINTENANCE_JOBS.compactChangeLogs, opts: keep },
    );
    await this.queue.upsertJobScheduler('collect-garbage', { every: this.config.gcEverySeconds * 1000 }, { name: MAINTENANCE_JOBS.collectGarbage, opts: keep });
  }

  async process(job: Job<unknown, unknown, MaintenanceJobName>): Promise<unknown> {
    const name: MaintenanceJobName = job.name;
    switch (name) {
      case 'CompactChangeLogs': {
        const { keepSeconds, keepCount } = this.config.changeLog;
        const result = await compactAll(this.pool, { keepSeconds, keepCount }, { logger: this.logger });
        if (result.deleted > 0) this.logger.info({ ...result }, 'change logs compacted');
        return result;
      }
      case 'CollectGarbage':
        return this.gc.sweepAll();
      default: {
        const unreachable: never = name;
        throw new Error(`no handler for maintenance job ${String(unreachable)}`);
      }
    }
  }
}
