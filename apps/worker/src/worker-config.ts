import { readFileSync } from 'node:fs';
import { apiserverUrl, parseEnv, resolveSecrets, workerEnv } from '@kplane/config';
import { z } from 'zod';

/**
 * The worker's own variables on top of libs/config's workerEnv (reliability and metrics knobs;
 * candidates to move into libs/config).
 */
const workerReliabilityEnv = workerEnv.extend({
  /** How often the sweeper looks for operations Redis lost, and how old they must be first. */
  KPLANE_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(15),
  KPLANE_SWEEP_GRACE_SECONDS: z.coerce.number().int().min(0).default(30),
  /** How often the control schema is compared with the shards; orphans younger than the grace are left. */
  KPLANE_RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(60),
  KPLANE_RECONCILE_GRACE_SECONDS: z.coerce.number().int().min(0).default(300),
  /**
   * Warm pool: workspace schemas and roles built ahead of demand, so a burst of new workspaces
   * skips the DDL. 0 (the default) builds none; each spare costs an idle workspace's catalog space.
   */
  KPLANE_SPARE_WORKSPACES: z.coerce.number().int().min(0).max(1000).default(0),
  KPLANE_SPARE_WORKSPACES_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(5),
  /** Prometheus /metrics and /healthz; 0 disables the listener. */
  KPLANE_WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** On SIGTERM running jobs get this long to finish; after it the process exits and their locks lapse. */
  KPLANE_WORKER_SHUTDOWN_SECONDS: z.coerce.number().int().min(1).default(20),
  /** BullMQ job lock: a job of a crashed worker runs again at most this long after the crash. */
  KPLANE_WORKER_LOCK_SECONDS: z.coerce.number().int().min(2).default(30),
  /** How long a lifecycle job waits before trying again when its workspace is locked by another operation. */
  KPLANE_WORKSPACE_BUSY_RETRY_MS: z.coerce.number().int().min(50).default(2000),
  /** Test hook (NODE_ENV=test only): the worker stops forever before the named step, to be SIGKILLed there. */
  KPLANE_TEST_PAUSE_AT_STEP: z.string().optional(),
  /** Usage metering: how often every Ready/Suspended workspace is sampled into kplane.usage_samples. */
  KPLANE_METERING_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(60),
  /** An API server's open-watch gauge older than this is ignored (the instance is gone). */
  KPLANE_WATCH_GAUGE_STALE_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Webhooks: how often the outbox is fanned out and lost deliveries are enqueued again. */
  KPLANE_WEBHOOK_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(10),
  KPLANE_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
  /** First retry delay; each further retry doubles it. */
  KPLANE_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(2000),
  KPLANE_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10000),
  KPLANE_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  KPLANE_WEBHOOK_RETENTION_DAYS: z.coerce.number().int().min(1).default(7),
  /** Extra CA (PEM file) trusted for webhook receivers besides the system roots; TLS is always verified. */
  KPLANE_WEBHOOK_CA_FILE: z.string().min(1).optional(),
});

export interface WorkerConfig {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  concurrency: number;
  changeLog: { keepSeconds: number; keepCount: number; compactEverySeconds: number };
  gcEverySeconds: number;
  sweep: { everySeconds: number; graceSeconds: number };
  reconcile: { everySeconds: number; graceSeconds: number };
  spares: { target: number; everySeconds: number };
  metricsPort: number;
  shutdownSeconds: number;
  jobLockSeconds: number;
  busyRetryMs: number;
  /** Set only when NODE_ENV=test. */
  testPauseAtStep: string | null;
  apiserverUrl: string;
  masterKey: Buffer;
  metering: { everySeconds: number; watchStaleSeconds: number };
  webhooks: {
    sweepEverySeconds: number;
    maxAttempts: number;
    retryBaseMs: number;
    timeoutMs: number;
    concurrency: number;
    retentionSeconds: number;
    /** PEM of KPLANE_WEBHOOK_CA_FILE, read at start. */
    extraCaPem: string | null;
  };
  logLevel: string;
  pretty: boolean;
}

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');

function readCaFile(path: string): string {
  try {
    const pem = readFileSync(path, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate in it');
    return pem;
  } catch (err) {
    throw new Error(`KPLANE_WEBHOOK_CA_FILE: cannot use ${path}: ${(err as Error).message}`);
  }
}

export function loadWorkerConfig(): WorkerConfig {
  const env = parseEnv(workerReliabilityEnv);
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
    sweep: { everySeconds: env.KPLANE_SWEEP_INTERVAL_SECONDS, graceSeconds: env.KPLANE_SWEEP_GRACE_SECONDS },
    reconcile: { everySeconds: env.KPLANE_RECONCILE_INTERVAL_SECONDS, graceSeconds: env.KPLANE_RECONCILE_GRACE_SECONDS },
    spares: { target: env.KPLANE_SPARE_WORKSPACES, everySeconds: env.KPLANE_SPARE_WORKSPACES_INTERVAL_SECONDS },
    metricsPort: env.KPLANE_WORKER_METRICS_PORT,
    shutdownSeconds: env.KPLANE_WORKER_SHUTDOWN_SECONDS,
    jobLockSeconds: env.KPLANE_WORKER_LOCK_SECONDS,
    busyRetryMs: env.KPLANE_WORKSPACE_BUSY_RETRY_MS,
    testPauseAtStep: env.NODE_ENV === 'test' && env.KPLANE_TEST_PAUSE_AT_STEP ? env.KPLANE_TEST_PAUSE_AT_STEP : null,
    apiserverUrl: apiserverUrl(env),
    masterKey: secrets.masterKey,
    metering: { everySeconds: env.KPLANE_METERING_INTERVAL_SECONDS, watchStaleSeconds: env.KPLANE_WATCH_GAUGE_STALE_SECONDS },
    webhooks: {
      sweepEverySeconds: env.KPLANE_WEBHOOK_SWEEP_INTERVAL_SECONDS,
      maxAttempts: env.KPLANE_WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: env.KPLANE_WEBHOOK_RETRY_BASE_MS,
      timeoutMs: env.KPLANE_WEBHOOK_TIMEOUT_MS,
      concurrency: env.KPLANE_WEBHOOK_CONCURRENCY,
      retentionSeconds: env.KPLANE_WEBHOOK_RETENTION_DAYS * 86400,
      extraCaPem: env.KPLANE_WEBHOOK_CA_FILE ? readCaFile(env.KPLANE_WEBHOOK_CA_FILE) : null,
    },
    logLevel: env.LOG_LEVEL,
    pretty: env.NODE_ENV === 'development' && process.stdout.isTTY === true,
  });
}
