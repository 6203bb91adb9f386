import { apiserverUrl, parseEnv, resolveSecrets, workerEnv } from '@kplane/config';

export interface WorkerConfig {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  concurrency: number;
  changeLog: { keepSeconds: number; keepCount: number; compactEverySeconds: number };
  gcEverySeconds: number;
  apiserverUrl: string;
  masterKey: Buffer;
  logLevel: string;
  pretty: boolean;
}

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');

export function loadWorkerConfig(): WorkerConfig {
  const env = parseEnv(workerEnv);
  const secrets = resolveSecrets(env, { adminToken: false });
  return Object.freeze({
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    queuePrefix: env.KPLANE_QUEUE_PREFIX,
    concurrency: env.KPLANE_WORKER_CONCURRENCY,
    changeLog: {
      keepSeconds: env.KPLANE_CHANGELOG_KEEP_SECONDS,
      keepCount: env.KPLANE_CHANGELOG_KEEP_COUNT,
      compactEverySeconds: env.KPLANE_COMPACTION_INTERVAL_SECONDS,
    },
    gcEverySeconds: env.KPLANE_GC_INTERVAL_SECONDS,
    apiserverUrl: apiserverUrl(env),
    masterKey: secrets.masterKey,
    logLevel: env.LOG_LEVEL,
    pretty: env.NODE_ENV === 'development' && process.stdout.isTTY === true,
  });
}
