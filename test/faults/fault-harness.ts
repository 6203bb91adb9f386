import { spawn, ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { Client } from 'pg';
import { adminApi, dropWorkspaceRoles, freePort, kubeRequest, PlatformSuite, RunningPlatform, startPlatform, usePlatformSuite, waitFor } from '@kplane/testing';

/** Fast clocks for fault tests: crashed jobs come back within seconds, the sweeper runs every 2 s. */
export const FAST_WORKER_ENV: Record<string, string> = {
  KPLANE_WORKER_LOCK_SECONDS: '3',
  KPLANE_SWEEP_INTERVAL_SECONDS: '2',
  KPLANE_SWEEP_GRACE_SECONDS: '3',
  KPLANE_RECONCILE_INTERVAL_SECONDS: '5',
  KPLANE_RECONCILE_GRACE_SECONDS: '30',
  KPLANE_WORKSPACE_BUSY_RETRY_MS: '300',
  KPLANE_WORKER_SHUTDOWN_SECONDS: '5',
};

export const PAUSE_MARKER = 'kplane-test-paused-at-step';

export async function startFaultPlatform(extra: Record<string, string> = {}, workerEnv: Record<string, string> = {}): Promise<RunningPlatform> {
  return startPlatform({ ...FAST_WORKER_ENV, ...extra }, { appEnv: { worker: workerEnv } });
}

/**
 * Registers beforeAll/afterAll for a fault spec: the shared platform suite (a platform of its own,
 * full cleanup) with fast worker clocks, and its tenant created before the tests run.
 */
export function useFaultSuite(prefix: string, extra: Record<string, string> = {}): PlatformSuite {
  const suite = usePlatformSuite(prefix, [], { ...FAST_WORKER_ENV, ...extra });
  beforeAll(async () => {
    expect((await adminApi(suite.platform, 'POST', '/v1/tenants', { name: suite.tenant })).status).toBe(201);
  });
  return suite;
}

export async function stopFaultPlatform(platform: RunningPlatform | undefined): Promise<void> {
  await platform?.stop();
  await dropWorkspaceRoles(platform?.database.url);
  await platform?.database.drop();
}

export async function waitForOperation(platform: RunningPlatform, id: string, timeoutMs = 90_000): Promise<{ status: string; error: string | null }> {
  let last: { status: string; error: string | null } = { status: '?', error: null };
  await waitFor(
    `operation ${id} to finish`,
    async () => {
      const r = await adminApi(platform, 'GET', `/v1/operations/${id}`);
      last = r.body;
      return r.body.status === 'Succeeded' || r.body.status === 'Failed';
    },
    { timeoutMs, intervalMs: 300, describe: () => `last: ${JSON.stringify(last)}\n${platform.logs()}` },
  );
  return last;
}

/** Restarts the worker with KPLANE_TEST_PAUSE_AT_STEP=step (null: no pause). */
export async function restartWorker(platform: RunningPlatform, pauseAt: string | null): Promise<void> {
  await platform.restart('worker', pauseAt ? { KPLANE_TEST_PAUSE_AT_STEP: pauseAt } : {});
}

export async function waitForPause(platform: RunningPlatform, step: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(`worker to pause at ${step}`, async () => platform.appLogs('worker').includes(`${PAUSE_MARKER}=${step}`), {
    timeoutMs,
    intervalMs: 100,
    describe: () => platform.logs(),
  });
}

export async function withDb<T>(platform: RunningPlatform, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: platform.database.url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export const schemaName = (id: string) => `ws_${id.replace(/-/g, '')}`;

export interface ShardState {
  schemas: Set<string>;
  /** Roles of workspaces this database knows (rows or operation history): other databases' roles excluded. */
  roles: Set<string>;
  workspaces: { id: string; phase: string; message: string }[];
  validTokens: Map<string, number>;
  credentialRows: Map<string, number>;
  inFlight: number;
  /** The warm pool's spares (id -> state). */
  spares: Map<string, string>;
}

export async function shardState(platform: RunningPlatform): Promise<ShardState> {
  return withDb(platform, async (c) => {
    const schemas = (await c.query(`SELECT nspname FROM pg_namespace WHERE nspname ~ '^ws_[0-9a-f]{32}$'`)).rows.map((r) => r.nspname as string);
    const ours = (
      await c.query(
        `SELECT DISTINCT 'ws_' || replace(id::text, '-', '') AS name FROM (
           SELECT id FROM kplane.workspaces UNION SELECT workspace_id FROM kplane.operations WHERE workspace_id IS NOT NULL
           UNION SELECT id FROM kplane.spare_workspaces) x`,
      )
    ).rows.map((r) => r.name as string);
    const roles = (await c.query(`SELECT rolname FROM pg_roles WHERE rolname = ANY($1::text[])`, [[...ours, ...schemas]])).rows.map((r) => r.rolname as string);
    const workspaces = (await c.query(`SELECT id, phase, message FROM kplane.workspaces`)).rows;
    const valid = new Map<string, number>();
    const rows = new Map<string, number>();
    for (const r of (await c.query(`SELECT workspace_id, count(*) FILTER (WHERE revoked_at IS NULL)::int AS valid, count(*)::int AS n FROM kplane.credentials GROUP BY 1`)).rows) {
      valid.set(r.workspace_id, r.valid);
      rows.set(r.workspace_id, r.n);
    }
    const inFlight = (await c.query(`SELECT count(*)::int AS n FROM kplane.operations WHERE status IN ('Queued', 'Running')`)).rows[0].n;
    const spares = new Map<string, string>((await c.query(`SELECT id, state FROM kplane.spare_workspaces`)).rows.map((r) => [r.id as string, r.state as string]));
    return { schemas: new Set(schemas), roles: new Set(roles), workspaces, validTokens: valid, credentialRows: rows, inFlight, spares };
  });
}

/**
 * The invariants every fault test ends with: nothing in flight; every schema and role belongs to a
 * workspace that still exists or to a spare of the warm pool; every Ready workspace has exactly its
 * schema, its role and one valid token; every Ready spare has its schema and role.
 */
export function expectConsistent(state: ShardState): void {
  const ids = new Set([...state.workspaces.map((w) => schemaName(w.id)), ...[...state.spares.keys()].map(schemaName)]);
  expect(state.inFlight).toBe(0);
  expect([...state.schemas].filter((s) => !ids.has(s))).toEqual([]);
  expect([...state.roles].filter((s) => !ids.has(s))).toEqual([]);
  for (const w of state.workspaces.filter((x) => x.phase === 'Ready')) {
    expect({ id: w.id, schema: state.schemas.has(schemaName(w.id)), role: state.roles.has(schemaName(w.id)), tokens: state.validTokens.get(w.id) ?? 0 }).toEqual({
      id: w.id,
      schema: true,
      role: true,
      tokens: 1,
    });
  }
  for (const [id] of state.credentialRows) expect(state.workspaces.some((w) => w.id === id)).toBe(true);
  for (const [id, spareState] of state.spares) {
    if (spareState !== 'Ready') continue;
    expect({ id, schema: state.schemas.has(schemaName(id)), role: state.roles.has(schemaName(id)), workspace: state.workspaces.some((w) => w.id === id) }).toEqual({
      id,
      schema: true,
      role: true,
      workspace: false,
    });
  }
}

export interface WorkspaceAccessInfo {
  endpoint: string;
  token: string;
  caPem: string;
  kubeconfigPath: string;
}

export async function workspaceAccess(platform: RunningPlatform, tenant: string, name: string, dir: string): Promise<WorkspaceAccessInfo> {
  const kc = await adminApi(platform, 'GET', `/v1/tenants/${tenant}/workspaces/${name}/kubeconfig`);
  if (kc.status !== 200) throw new Error(`kubeconfig of ${tenant}/${name}: ${kc.status} ${JSON.stringify(kc.body)}`);
  const parsed = yaml.load(kc.body as string) as any;
  const kubeconfigPath = join(dir, `${tenant}-${name}.kubeconfig`);
  writeFileSync(kubeconfigPath, kc.body as string, { mode: 0o600 });
  return {
    endpoint: parsed.clusters[0].cluster.server,
    token: parsed.users[0].user.token,
    caPem: Buffer.from(parsed.clusters[0].cluster['certificate-authority-data'], 'base64').toString(),
    kubeconfigPath,
  };
}

/** A raw, CA-verified HTTPS list of namespaces; the status code. */
export async function listNamespacesStatus(access: WorkspaceAccessInfo): Promise<number> {
  return (await kubeRequest(access, 'GET', '/api/v1/namespaces')).status;
}

/** A Redis of the test's own, to stop and start without touching the shared one. */
export class PrivateRedis {
  private child: ChildProcess | null = null;
  constructor(readonly port: number) {}

  static async create(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort());
    await r.start();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
      stdio: 'ignore',
    });
    this.child = child;
    await waitFor(`redis on ${this.port}`, async () => canConnect(this.port), { timeoutMs: 10_000, intervalMs: 50 });
  }

  /** Like `redis-cli shutdown nosave`: the data is gone. */
  async stop(): Promise<void> {
    const c = this.child;
    this.child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((done) => {
      c.once('exit', () => done());
      c.kill('SIGKILL');
    });
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const sock = require('node:net').connect(port, '127.0.0.1');
    sock.once('connect', () => (sock.destroy(), done(true)));
    sock.once('error', () => done(false));
  });
}
