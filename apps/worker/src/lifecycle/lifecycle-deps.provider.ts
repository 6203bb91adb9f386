import { Provider } from '@nestjs/common';
import { ClusterCaService, CredentialsService, OperationProgress, SecretBox } from '@kplane/control';
import { PG_SESSION_OPTIONS, WorkspaceSchemas, WorkspaceStore } from '@kplane/store';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { LifecycleDeps } from '../provisioning/lifecycle-deps';
import { WorkspaceSmokeTest } from '../provisioning/smoke-test';
import { WORKER_CONFIG, WorkerConfig } from '../worker-config';

export const LIFECYCLE_DEPS = Symbol('LIFECYCLE_DEPS');
export const SHARD_POOL = Symbol('SHARD_POOL');

export const shardPoolProvider: Provider = {
  provide: SHARD_POOL,
  inject: [WORKER_CONFIG],
  // One pool for the default shard (the control database); more shards come with the shards table.
  useFactory: (config: WorkerConfig) => {
    const pool = new Pool({ connectionString: config.databaseUrl, max: 10, application_name: 'kplane-worker', options: PG_SESSION_OPTIONS });
    // An idle client dropped by a Postgres restart emits 'error'; unhandled, that would kill the process.
    // The pool discards the client and the next checkout connects again.
    pool.on('error', () => undefined);
    return pool;
  },
};

export const lifecycleDepsProvider: Provider = {
  provide: LIFECYCLE_DEPS,
  inject: [WORKER_CONFIG, DataSource, SHARD_POOL, OperationProgress],
  useFactory: (config: WorkerConfig, ds: DataSource, pool: Pool, progress: OperationProgress): LifecycleDeps => {
    const box = new SecretBox(config.masterKey);
    const ca = new ClusterCaService(ds, box);
    const smokeTest = new WorkspaceSmokeTest(config.apiserverUrl, () => ca.caCertificate());
    return {
      schemas: new WorkspaceSchemas(pool),
      storeFor: (workspaceId) => new WorkspaceStore(pool, workspaceId),
      credentials: new CredentialsService(ds, box),
      progress,
      smokeTest: (workspaceId, token) => smokeTest.run(workspaceId, token),
    };
  },
};
