import { apiserverUrl, parseEnv, resolveSecrets, workerEnv } from '@kplane/config';

export interface WorkerConfig {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  concurrency: number;
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
    apiserverUrl: apiserverUrl(env),
    masterKey: secrets.masterKey,
    logLevel: env.LOG_LEVEL,
    pretty: env.NODE_ENV === 'development' && process.stdout.isTTY === true,
  });
}
