// A minimal launcher for benchmarks, adapted from libs/testing/src/platform.ts (libs/testing is
// excluded from the build, so bench code cannot import it from dist/): the three built apps as
// real processes on free ports, with a database, a BullMQ prefix and a data dir of their own.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
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
  /** Process id of an app (for /proc/<pid>/status). */
  pid(app: 'api' | 'apiserver' | 'worker'): number;
  logs(): string;
  /** Brings the database to a settled state before a scenario (autovacuum's due work, a checkpoint). */
  settle(): Promise<void>;
  /** Stops the apps, drops workspace schemas and roles, then the database (idempotent). */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}\n${describe().slice(-4000)}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const sock = connect(port, '127.0.0.1');
    sock.once('connect', () => (sock.destroy(), done(true)));
    sock.once('error', () => done(false));
  });
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
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dataDir,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    KPLANE_QUEUE_PREFIX: `kplane-bench-${randomBytes(4).toString('hex')}`,
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
  let output = '';
  const children = new Map<string, ChildProcess>();
  // BENCH_CPU_PROF=1 runs the apiserver under `node --cpu-prof` (or a list: BENCH_CPU_PROF=api,worker);
  // the .cpuprofile is written to BENCH_CPU_PROF_DIR (default $TMPDIR/kplane-bench-profiles) when
  // the app exits (SIGTERM -> graceful shutdown -> process.exit).
  const profileDir = process.env.BENCH_CPU_PROF_DIR ?? join(tmpdir(), 'kplane-bench-profiles');
  const profiled = (process.env.BENCH_CPU_PROF === '1' ? 'apiserver' : (process.env.BENCH_CPU_PROF ?? '')).split(',');
  const nodeArgs = (app: string) => (profiled.includes(app) ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
  const start = (app: 'api' | 'apiserver' | 'worker') => {
    const child = spawn(process.execPath, [...nodeArgs(app), join(DIST_ROOT, 'apps', app, 'src', 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tag = (chunk: Buffer) => (output = (output + chunk.toString().split('\n').filter(Boolean).map((l) => `[${app}] ${l}\n`).join('')).slice(-200_000));
    child.stdout!.on('data', tag);
    child.stderr!.on('data', tag);
    children.set(app, child);
    // Other engineers' tests share this PostgreSQL server; one that terminates backends kills an
    // app whose pg pool has no error handler (see docs/performance.md). Restart it, and say so.
    child.once('exit', (code, signal) => {
      if (stopped || restarts >= 5) return;
      restarts++;
      output += `[bench] ${app} exited (${code ?? signal}); restarting (${restarts})\n`;
      process.stderr.write(`  !! ${app} exited unexpectedly (${code ?? signal}); restarted\n`);
      start(app);
    });
  };
  let restarts = 0;
  let stopped = false;
  const platform: BenchPlatform = {
    apiUrl: `http://127.0.0.1:${port}`,
    apiserverUrl: `https://127.0.0.1:${apiserverPort}`,
    adminToken,
    databaseName,
    databaseUrl,
    pid(app) {
      const p = children.get(app)?.pid;
      if (p === undefined) throw new Error(`${app} is not running`);
      return p;
    },
    logs: () => output,
    settle: () => autovacuum.settle(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all(
        [...children.values()].map(
          (c) =>
            new Promise<void>((done) => {
              if (c.exitCode !== null || c.signalCode !== null) return done();
              const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
              c.once('exit', () => (clearTimeout(timer), done()));
              c.kill('SIGTERM');
            }),
        ),
      );
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
    // The API migrates first so the other two find the control schema ready.
    start('api');
    await waitUntil('management API /healthz', async () => (await fetch(`${platform.apiUrl}/healthz`)).ok, 60_000, () => output);
    start('apiserver');
    start('worker');
    await waitUntil('apiserver port', () => canConnect(apiserverPort), 60_000, () => output);
    return platform;
  } catch (err) {
    await platform.stop().catch(() => undefined);
    throw err;
  }
}
