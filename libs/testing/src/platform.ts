import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, TestDatabase } from './databases';
import { waitFor } from './wait-for';

const ROOT = resolve(__dirname, '..', '..', '..');

export type PlatformApp = 'api' | 'apiserver' | 'worker';

export interface RunningPlatform {
  apiUrl: string;
  apiserverUrl: string;
  /** The worker's /metrics endpoint. */
  workerMetricsUrl: string;
  adminToken: string;
  database: TestDatabase;
  env: Record<string, string>;
  /** Output of every app, for failure messages. */
  logs(): string;
  /** Output of one app since it was last (re)started. */
  appLogs(app: PlatformApp): string;
  /** The pid of an app's current process (null when it is not running). */
  pid(app: PlatformApp): number | null;
  /** Sends a signal and waits until the process has exited; resolves with its exit code or signal. */
  kill(app: PlatformApp, signal?: NodeJS.Signals): Promise<number | string | null>;
  /** Starts an app again (after kill), with extra env for this start only. */
  start(app: PlatformApp, env?: Record<string, string>): void;
  /** kill (SIGKILL by default) then start. */
  restart(app: PlatformApp, env?: Record<string, string>, signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  /** Env for one app only, on its first start. */
  appEnv?: Partial<Record<PlatformApp, Record<string, string>>>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts the three built apps (dist/) as real processes on free ports, with a database,
 * a BullMQ prefix and a data dir of their own.
 */
export async function startPlatform(extraEnv: Record<string, string> = {}, opts: PlatformOptions = {}): Promise<RunningPlatform> {
  const database = await createTestDatabase('kplane_e2e');
  const [port, apiserverPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'kplane-e2e-'));
  const adminToken = 'kpa_test_' + randomBytes(16).toString('hex');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dataDir,
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    KPLANE_QUEUE_PREFIX: `kplane-e2e-${randomBytes(4).toString('hex')}`,
    KPLANE_DATA_DIR: dataDir,
    KPLANE_ADMIN_TOKEN: adminToken,
    KPLANE_MASTER_KEY: randomBytes(32).toString('base64'),
    PORT: String(port),
    APISERVER_PORT: String(apiserverPort),
    KPLANE_WORKER_METRICS_PORT: String(metricsPort),
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    ...extraEnv,
  };
  let output = '';
  const children = new Map<PlatformApp, ChildProcess>();
  const appOutput = new Map<PlatformApp, string>();
  const start = (app: PlatformApp, appEnv: Record<string, string> = {}) => {
    const running = children.get(app);
    if (running && running.exitCode === null && running.signalCode === null) throw new Error(`${app} is already running`);
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', app, 'src', 'main.js')], { env: { ...env, ...appEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    appOutput.set(app, '');
    const tag = (chunk: Buffer) => {
      const text = chunk.toString();
      appOutput.set(app, (appOutput.get(app) ?? '') + text);
      output += text.split('\n').filter(Boolean).map((l) => `[${app}] ${l}\n`).join('');
    };
    child.stdout!.on('data', tag);
    child.stderr!.on('data', tag);
    children.set(app, child);
  };
  const kill = (app: PlatformApp, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | string | null> => {
    const c = children.get(app);
    if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve(c ? (c.exitCode ?? c.signalCode) : null);
    return new Promise((done) => {
      c.once('exit', (code, sig) => done(code ?? sig));
      c.kill(signal);
    });
  };
  // The API migrates first so the other two find the control schema ready.
  start('api', opts.appEnv?.api);
  const apiUrl = `http://127.0.0.1:${port}`;
  await waitFor('management API /healthz', async () => (await fetch(`${apiUrl}/healthz`).catch(() => null))?.ok === true, {
    timeoutMs: 60_000,
    describe: () => output,
  });
  start('apiserver', opts.appEnv?.apiserver);
  start('worker', opts.appEnv?.worker);
  const apiserverUrl = `https://127.0.0.1:${apiserverPort}`;
  await waitFor('apiserver port', async () => canConnect(apiserverPort), { timeoutMs: 60_000, describe: () => output });
  return {
    apiUrl,
    apiserverUrl,
    workerMetricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    adminToken,
    database,
    env,
    logs: () => output,
    appLogs: (app) => appOutput.get(app) ?? '',
    pid: (app) => {
      const c = children.get(app);
      return c && c.exitCode === null && c.signalCode === null ? (c.pid ?? null) : null;
    },
    kill,
    start,
    async restart(app, appEnv, signal = 'SIGKILL') {
      await kill(app, signal);
      start(app, appEnv);
    },
    async stop() {
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
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const sock = require('node:net').connect(port, '127.0.0.1');
    sock.once('connect', () => (sock.destroy(), done(true)));
    sock.once('error', () => done(false));
  });
}
