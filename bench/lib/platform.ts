// The platform of a benchmark run: the three built apps as real processes on free ports (the same
// launcher as the e2e tests), with a database, a BullMQ prefix and a data dir of their own.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
// By path, not @kplane/testing: only this file of libs/testing is built into dist/, with the bench.
import { AppProcesses, freePort, PlatformApp } from '../../libs/testing/src/app-processes';
import { startAutovacuumStandIn } from './autovacuum';

/** dist/ (this file is dist/bench/lib/platform.js once built). */
export const DIST_ROOT = resolve(__dirname, '..', '..');
/** The repository root (bench/results lives there, not under dist/). */
export const REPO_ROOT = resolve(DIST_ROOT, '..');

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WS_SCHEMA = /^ws_[0-9a-f]{32}$/;

export interface BenchPlatform {
  apiUrl: string;
  apiserverUrl: string;
  adminToken: string;
  databaseName: string;
  databaseUrl: string;
  /** Where the apps' BullMQ queues live (a scenario may pause the lifecycle queue). */
  redisUrl: string;
  queuePrefix: string;
  /** Process id of an app (for /proc/<pid>/status). */
  pid(app: PlatformApp): number;
  logs(): string;
  /** Brings the database to a settled state before a scenario (autovacuum's due work, a checkpoint). */
  settle(): Promise<void>;
  /** Stops the apps, drops workspace schemas and roles, then the database (idempotent). */
  stop(): Promise<void>;
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function startBenchPlatform(extraEnv: Record<string, string> = {}): Promise<BenchPlatform> {
  const databaseName = `kplane_bench_${randomBytes(6).toString('hex')}`;
  await withClient(ADMIN_URL, async (c) => {
    // Every workspace creates and drops a role. Where PostgreSQL runs with autovacuum off (as on
    // our CI machines), the shared catalogs fill with dead rows run after run and provisioning
    // slows down (seen: 8,000 dead rows in pg_shdepend, PostgreSQL CPU per workspace 42 -> 54 ms).
    await c.query('VACUUM pg_catalog.pg_authid, pg_catalog.pg_auth_members, pg_catalog.pg_shdepend, pg_catalog.pg_database');
    await c.query(`CREATE DATABASE ${databaseName}`);
  });
  const u = new URL(ADMIN_URL);
  u.pathname = `/${databaseName}`;
  const databaseUrl = u.toString();
  // BENCH_AUTOVACUUM_SECONDS=0 measures the server as it is configured, autovacuum off or not.
  const autovacuumSeconds = Number(process.env.BENCH_AUTOVACUUM_SECONDS ?? 30);
  const autovacuum = await startAutovacuumStandIn(databaseUrl, autovacuumSeconds * 1000, autovacuumSeconds > 0);
  if (autovacuum.active) process.stderr.write(`  PostgreSQL runs with autovacuum off: the bench vacuums and analyses like it every ${autovacuumSeconds} s\n`);
  const [port, apiserverPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'kplane-bench-'));
  const adminToken = 'kpa_bench_' + randomBytes(16).toString('hex');
  const redisUrl = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const queuePrefix = `kplane-bench-${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dataDir,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    KPLANE_QUEUE_PREFIX: queuePrefix,
    KPLANE_DATA_DIR: dataDir,
    KPLANE_ADMIN_TOKEN: adminToken,
    KPLANE_MASTER_KEY: randomBytes(32).toString('base64'),
    PORT: String(port),
    APISERVER_PORT: String(apiserverPort),
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    // The management API's per-client rate limit (default 20/s) would turn "50 workspaces at
    // once" into a measurement of the limiter; the bench is the only client.
    KPLANE_API_RATE_LIMIT_PER_SECOND: '100000',
    KPLANE_API_RATE_LIMIT_BURST: '100000',
    // Likewise the apiserver's per-workspace token bucket (default 100/s): 0 turns it off, so the
    // scenarios measure the server rather than the limiter (BENCH_WORKSPACE_RATE_LIMIT to keep one).
    KPLANE_WORKSPACE_RATE_LIMIT_PER_SECOND: process.env.BENCH_WORKSPACE_RATE_LIMIT ?? '0',
    ...(process.env.KPLANE_WORKER_CONCURRENCY ? { KPLANE_WORKER_CONCURRENCY: process.env.KPLANE_WORKER_CONCURRENCY } : {}),
    ...(process.env.KPLANE_WRITES_IN_FLIGHT_PER_WORKSPACE ? { KPLANE_WRITES_IN_FLIGHT_PER_WORKSPACE: process.env.KPLANE_WRITES_IN_FLIGHT_PER_WORKSPACE } : {}),
    ...(process.env.KPLANE_WRITE_BATCH_MAX ? { KPLANE_WRITE_BATCH_MAX: process.env.KPLANE_WRITE_BATCH_MAX } : {}),
    ...(process.env.KPLANE_WRITE_TRANSACTIONS_IN_FLIGHT ? { KPLANE_WRITE_TRANSACTIONS_IN_FLIGHT: process.env.KPLANE_WRITE_TRANSACTIONS_IN_FLIGHT } : {}),
    ...(process.env.KPLANE_WRITE_POOLS ? { KPLANE_WRITE_POOLS: process.env.KPLANE_WRITE_POOLS } : {}),
    // The warm pool is off by default as in production; KPLANE_SPARE_WORKSPACES=64 measures it.
    ...(process.env.KPLANE_SPARE_WORKSPACES ? { KPLANE_SPARE_WORKSPACES: process.env.KPLANE_SPARE_WORKSPACES, KPLANE_SPARE_WORKSPACES_INTERVAL_SECONDS: process.env.KPLANE_SPARE_WORKSPACES_INTERVAL_SECONDS ?? '1' } : {}),
    ...extraEnv,
  };
  // BENCH_CPU_PROF=1 runs the apiserver under `node --cpu-prof` (or a list: BENCH_CPU_PROF=api,worker);
  // the .cpuprofile is written to BENCH_CPU_PROF_DIR (default $TMPDIR/kplane-bench-profiles) when
  // the app exits (SIGTERM -> graceful shutdown -> process.exit).
  const profileDir = process.env.BENCH_CPU_PROF_DIR ?? join(tmpdir(), 'kplane-bench-profiles');
  const profiled = (process.env.BENCH_CPU_PROF === '1' ? 'apiserver' : (process.env.BENCH_CPU_PROF ?? '')).split(',');
  let restarts = 0;
  let stopped = false;
  const apps: AppProcesses = new AppProcesses({
    distRoot: DIST_ROOT,
    env,
    nodeArgs: (app) => (profiled.includes(app) ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    outputLimit: 200_000,
    // Other engineers' tests share this PostgreSQL server; one that terminates backends once killed
    // an app whose pg pool had no error handler (see docs/performance.md). Restart it, and say so.
    onUnexpectedExit: (app, codeOrSignal) => {
      if (stopped || restarts >= 5) return;
      restarts++;
      apps.log(`[bench] ${app} exited (${codeOrSignal}); restarting (${restarts})\n`);
      process.stderr.write(`  !! ${app} exited unexpectedly (${codeOrSignal}); restarted\n`);
      apps.start(app);
    },
  });
  const platform: BenchPlatform = {
    apiUrl: `http://127.0.0.1:${port}`,
    apiserverUrl: `https://127.0.0.1:${apiserverPort}`,
    adminToken,
    databaseName,
    databaseUrl,
    redisUrl,
    queuePrefix,
    pid(app) {
      const p = apps.pid(app);
      if (p === null) throw new Error(`${app} is not running`);
      return p;
    },
    logs: () => apps.logs(),
    settle: () => autovacuum.settle(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await apps.stop();
      rmSync(dataDir, { recursive: true, force: true });
      await autovacuum.stop();
      if (process.env.PRESERVE === '1') return;
      // Roles are server-wide and outlive the database: drop every workspace schema and role first.
      await withClient(databaseUrl, async (c) => {
        const { rows } = await c.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname ~ '^ws_[0-9a-f]{32}$'`);
        for (const { nspname } of rows) {
          if (!WS_SCHEMA.test(nspname)) continue;
          await c.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
          await c.query(`DROP ROLE IF EXISTS "${nspname}"`);
        }
      }).catch((err) => console.error('dropping workspace schemas/roles:', (err as Error).message));
      await withClient(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`));
    },
  };
  try {
    await apps.startAll(platform.apiUrl, apiserverPort);
    return platform;
  } catch (err) {
    await platform.stop().catch(() => undefined);
    throw err;
  }
}
