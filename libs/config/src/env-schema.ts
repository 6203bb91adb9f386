import { z } from 'zod';

/**
 * Environment fragments. Each app composes the ones it needs; this lib is the only code
 * that reads process.env. Secret-bearing variables are listed in SECRET_ENV so that
 * diagnostics never print their values.
 */
export const SECRET_ENV = ['KPLANE_ADMIN_TOKEN', 'KPLANE_MASTER_KEY', 'DATABASE_URL', 'REDIS_URL'] as const;

const port = z.coerce.number().int().min(1).max(65535);
const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a ${protocols.join(' or ')} URL`);

export const commonEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/kplane'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  KPLANE_DATA_DIR: z.string().min(1).default('./.data'),
  KPLANE_MASTER_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
  KPLANE_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_:-]+$/).default('kplane'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  APISERVER_PORT: port.default(6443),
  KPLANE_APISERVER_URL: url(['https:']).optional(),
});

export const apiEnv = commonEnv.extend({
  PORT: port.default(3000),
  KPLANE_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
});

export const workerEnv = commonEnv.extend({
  KPLANE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Change-log retention: a watch may resume from any revision this keeps (both bounds hold). */
  KPLANE_CHANGELOG_KEEP_SECONDS: z.coerce.number().int().min(0).default(300),
  KPLANE_CHANGELOG_KEEP_COUNT: z.coerce.number().int().min(1).default(10000),
  KPLANE_COMPACTION_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(60),
  /** How often garbage collection and namespace finalization sweep every workspace. */
  KPLANE_GC_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(30),
});

export const apiserverEnv = commonEnv.extend({
  /** A watch without timeoutSeconds ends at a random point in this range; clients re-watch (§7 W7). */
  KPLANE_WATCH_MIN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(1800),
  KPLANE_WATCH_MAX_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(3600),
  /** Per-workspace request rate on each API-server replica (0 disables); tenant quotas lower it. */
  KPLANE_WORKSPACE_RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).default(100),
  KPLANE_WORKSPACE_RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(200),
  KPLANE_MAX_WATCHES_PER_WORKSPACE: z.coerce.number().int().min(1).default(200),
  KPLANE_WRITES_IN_FLIGHT_PER_WORKSPACE: z.coerce.number().int().min(1).default(2),
  /**
   * Writes that waited for a transaction commit together, up to this many per transaction. At most 64:
   * a transaction over many workspaces prepares a statement per workspace on its connection (~215 KiB
   * of PostgreSQL memory each, beyond the 64 a connection keeps).
   */
  KPLANE_WRITE_BATCH_MAX: z.coerce.number().int().min(1).max(64).default(32),
  /**
   * Write transactions in PostgreSQL at once on each replica, all workspaces together; the writes that
   * wait for one commit together (0: no bound, and no transaction shared by workspaces).
   */
  KPLANE_WRITE_TRANSACTIONS_IN_FLIGHT: z.coerce.number().int().min(0).default(4),
  /**
   * Pools that single-object writes are spread over by workspace, each of KPLANE_WRITES_IN_FLIGHT_PER_WORKSPACE
   * connections (WorkspaceWritePools); 0: writes share the pool of reads.
   */
  KPLANE_WRITE_POOLS: z.coerce.number().int().min(0).max(64).default(4),
});

export type CommonEnv = z.infer<typeof commonEnv>;
