import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppProcesses, freePort, PlatformApp } from './app-processes';
import { createTestDatabase, TestDatabase } from './databases';

export { freePort } from './app-processes';
export type { PlatformApp } from './app-processes';

const DIST = resolve(__dirname, '..', '..', '..', 'dist');

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
  const apps = new AppProcesses({ distRoot: DIST, env });
  const apiUrl = `http://127.0.0.1:${port}`;
  try {
    await apps.startAll(apiUrl, apiserverPort, opts.appEnv);
  } catch (err) {
    // Nothing is handed back to clean up later: stop what started and drop what was made.
    await apps.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await database.drop().catch(() => undefined);
    throw err;
  }
  return {
    apiUrl,
    apiserverUrl: `https://127.0.0.1:${apiserverPort}`,
    workerMetricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    adminToken,
    database,
    env,
    logs: () => apps.logs(),
    appLogs: (app) => apps.appLogs(app),
    pid: (app) => apps.pid(app),
    kill: (app, signal) => apps.kill(app, signal),
    start: (app, appEnv) => apps.start(app, appEnv),
    async restart(app, appEnv, signal = 'SIGKILL') {
      await apps.kill(app, signal);
      apps.start(app, appEnv);
    },
    async stop() {
      await apps.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
