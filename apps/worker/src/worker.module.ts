import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { controlDataSourceOptions, OperationProgress, OperationsSweepRepository, ReconciliationRepository, SpareWorkspacesRepository } from '@kplane/control';
import { createRedisConnection, LifecycleProducer, MAINTENANCE_QUEUE, WEBHOOK_DELIVERY_QUEUE, WORKSPACE_LIFECYCLE_QUEUE } from '@kplane/queue';
import { Queue } from 'bullmq';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { REDACT_PATHS } from '@kplane/observability';
import { lifecycleDepsProvider, SHARD_POOL, shardPoolProvider } from './lifecycle/lifecycle-deps.provider';
import { TenantDeletion } from './lifecycle/tenant-deletion';
import { WORKSPACE_LOCKS, WorkspaceLocks } from './lifecycle/workspace-lock';
import { WorkspaceLifecycleProcessor } from './processors/workspace-lifecycle.processor';
import { MaintenanceProcessor } from './processors/maintenance.processor';
import { WorkspaceGarbageCollector } from './maintenance/workspace-garbage-collector';
import { MetricsEndpoint } from './metrics/metrics-endpoint';
import { WorkerMetrics } from './metrics/worker-metrics';
import { WorkspaceReconciler } from './reconciliation/workspace-reconciler';
import { LIFECYCLE_PRODUCER, OperationSweeper } from './sweeper/operation-sweeper';
import { WORKER_CONFIG, WorkerConfig } from './worker-config';
import { LIFECYCLE_BACKLOG, LifecycleBacklog, SparePool } from './spares/spare-pool';
import { WebhookDeliveryProcessor } from './processors/webhook-delivery.processor';
import { LifecycleEvents, webhookProviders } from './webhooks/webhook.providers';

export function workerModule(config: WorkerConfig) {
  @Module({
    imports: [
      LoggerModule.forRoot({
        pinoHttp: {
          name: 'kplane-worker',
          level: config.logLevel,
          redact: { paths: REDACT_PATHS, censor: '[redacted]' },
          ...(config.pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
        },
      }),
      TypeOrmModule.forRoot(controlDataSourceOptions(config.databaseUrl)),
      BullModule.forRoot({ connection: createRedisConnection(config.redisUrl, 'worker'), prefix: config.queuePrefix }),
      BullModule.registerQueue({ name: WORKSPACE_LIFECYCLE_QUEUE }, { name: MAINTENANCE_QUEUE }, { name: WEBHOOK_DELIVERY_QUEUE }),
    ],
    providers: [
      { provide: WORKER_CONFIG, useValue: config },
      { provide: WorkerMetrics, useValue: new WorkerMetrics() },
      { provide: OperationProgress, inject: [DataSource], useFactory: (ds: DataSource) => new OperationProgress(ds) },
      { provide: OperationsSweepRepository, inject: [DataSource], useFactory: (ds: DataSource) => new OperationsSweepRepository(ds) },
      { provide: ReconciliationRepository, inject: [DataSource], useFactory: (ds: DataSource) => new ReconciliationRepository(ds) },
      SpareWorkspacesRepository,
      SparePool,
      {
        provide: LIFECYCLE_BACKLOG,
        inject: [getQueueToken(WORKSPACE_LIFECYCLE_QUEUE)],
        // Jobs of a paused queue are waiting too: spares built meanwhile would compete with them on resume.
        useFactory: (queue: Queue): LifecycleBacklog => () => queue.getJobCountByTypes('wait', 'paused', 'active', 'prioritized'),
      },
      {
        provide: WORKSPACE_LOCKS,
        inject: [PinoLogger],
        useFactory: (logger: PinoLogger) =>
          new WorkspaceLocks(config.databaseUrl, (err) => logger.warn({ err: err.message }, 'workspace lock connection lost; its lock is released')),
      },
      {
        // The sweeper's producer: fails fast while Redis is down (the next sweep tries again).
        provide: LIFECYCLE_PRODUCER,
        useFactory: () => new LifecycleProducer(createRedisConnection(config.redisUrl, 'producer'), config.queuePrefix),
      },
      shardPoolProvider,
      lifecycleDepsProvider,
      TenantDeletion,
      WorkspaceLifecycleProcessor,
      WorkspaceGarbageCollector,
      OperationSweeper,
      WorkspaceReconciler,
      MaintenanceProcessor,
      MetricsEndpoint,
      ...webhookProviders,
      LifecycleEvents,
      WebhookDeliveryProcessor,
    ],
  })
  class WorkerModule implements OnApplicationShutdown {
    constructor(
      @Inject(SHARD_POOL) private readonly pool: Pool,
      @Inject(LIFECYCLE_PRODUCER) private readonly producer: LifecycleProducer,
    ) {}
    async onApplicationShutdown(): Promise<void> {
      await this.producer.close().catch(() => undefined);
      await this.pool.end();
    }
  }
  return WorkerModule;
}
