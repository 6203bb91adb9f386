import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, TestDatabase } from './databases';
import { waitFor } from './wait-for';

const ROOT = resolve(__dirname, '..', '..', '..');

export interface RunningPlatform {
  apiUrl: string;
  apiserverUrl: string;
  adminToken: string;
  database: TestDatabase;
  env: Record<string, string>;
  /** Output of every app, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
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
export async function startPlatform(extraEnv: Record<string, string> = {}): Promise<RunningPlatform> {
  const database = await createTestDatabase('kplane_e2e');
  const [port, apiserverPort] = [await freePort(), await freePort()];
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
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    ...extraEnv,
  };
  let output = '';
  const children: ChildProcess[] = [];
  const start = (app: string) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', app, 'src', 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tag = (chunk: Buffer) => (output += chunk.toString().split('\n').filter(Boolean).map((l) => `[${app}] ${l}\n`).join(''));
    child.stdout!.on('data', tag);
    child.stderr!.on('data', tag);
    children.push(child);
  };
  // The API migrates first so the other two find the control schema ready.
  start('api');
  const apiUrl = `http://127.0.0.1:${port}`;
  await waitFor('management API /healthz', async () => (await fetch(`${apiUrl}/healthz`).catch(() => null))?.ok === true, {
    timeoutMs: 60_000,
    describe: () => output,
  });
  start('apiserver');
  start('worker');
  const apiserverUrl = `https://127.0.0.1:${apiserverPort}`;
  await waitFor('apiserver port', async () => canConnect(apiserverPort), { timeoutMs: 60_000, describe: () => output });
  return {
    apiUrl,
    apiserverUrl,
    adminToken,
    database,
    env,
    logs: () => output,
    async stop() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((done) => {
              if (c.exitCode !== null) return done();
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
