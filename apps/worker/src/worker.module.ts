import { BullModule } from '@nestjs/bullmq';
import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { controlDataSourceOptions, OperationProgress } from '@kplane/control';
import { createRedisConnection, MAINTENANCE_QUEUE, WORKSPACE_LIFECYCLE_QUEUE } from '@kplane/queue';
import { LoggerModule } from 'nestjs-pino';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { REDACT_PATHS } from '@kplane/observability';
import { lifecycleDepsProvider, SHARD_POOL, shardPoolProvider } from './lifecycle/lifecycle-deps.provider';
import { TenantDeletion } from './lifecycle/tenant-deletion';
import { WorkspaceLifecycleProcessor } from './processors/workspace-lifecycle.processor';
import { MaintenanceProcessor } from './processors/maintenance.processor';
import { WorkspaceGarbageCollector } from './maintenance/workspace-garbage-collector';
import { WORKER_CONFIG, WorkerConfig } from './worker-config';

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
      BullModule.registerQueue({ name: WORKSPACE_LIFECYCLE_QUEUE }, { name: MAINTENANCE_QUEUE }),
    ],
    providers: [
      { provide: WORKER_CONFIG, useValue: config },
      { provide: OperationProgress, inject: [DataSource], useFactory: (ds: DataSource) => new OperationProgress(ds) },
      shardPoolProvider,
      lifecycleDepsProvider,
      TenantDeletion,
      WorkspaceLifecycleProcessor,
      WorkspaceGarbageCollector,
      MaintenanceProcessor,
    ],
  })
  class WorkerModule implements OnApplicationShutdown {
    constructor(@Inject(SHARD_POOL) private readonly pool: Pool) {}
    async onApplicationShutdown(): Promise<void> {
      await this.pool.end();
    }
  }
  return WorkerModule;
}
