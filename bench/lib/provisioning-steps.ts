// Where provisioning's CPU goes, step by step: K workspaces taken through each step of a
// provisioning in turn (the others quiet), with the CPU of every process per workspace. The burst
// steps of the provisioning scenario overlap all of these, so only this shows which one to cut.
// The lifecycle queue is paused while the POSTs run, so the worker's jobs are measured apart.
import { createRedisConnection, WORKSPACE_LIFECYCLE_QUEUE } from '@kplane/queue';
import { Queue } from 'bullmq';
import type { BenchPlatform } from './platform';
import { cpuMsPer, platformCpuMs } from './stats';
import { adminPool, mapLimit, sleep, waitFor } from './util';
import { BenchWorkspace, createWorkspace, kubeRequest, waitForReady, workspaceAccess } from './workspace';

export interface ProvisioningStepCost {
  step: string;
  /** Wall time of the step for all K workspaces. */
  wallMs: number;
  /** CPU ms per workspace by process. */
  cpuMs: Record<string, number>;
}

/**
 * `settle` runs before each step but the jobs: with a warm pool, it waits for the pool to be full
 * again, so that the spares rebuilt after the jobs do not count against the steps that follow.
 */
export async function measureProvisioningSteps(
  p: BenchPlatform,
  tenant: string,
  count: number,
  concurrency: number,
  settle: () => Promise<unknown>,
): Promise<ProvisioningStepCost[]> {
  const connection = createRedisConnection(p.redisUrl, 'worker');
  const queue = new Queue(WORKSPACE_LIFECYCLE_QUEUE, { prefix: p.queuePrefix, connection });
  const pool = adminPool(p);
  const costs: ProvisioningStepCost[] = [];
  const names = Array.from({ length: count }, (_, i) => `step-${i}`);
  const step = async <T>(name: string, run: () => Promise<T>, settled = true): Promise<T> => {
    if (settled) await settle();
    await sleep(500); // the previous step's stragglers (logs, kept-alive sockets) settle
    const cpu0 = platformCpuMs(p);
    const t0 = performance.now();
    const result = await run();
    costs.push({ step: name, wallMs: Math.round(performance.now() - t0), cpuMs: cpuMsPer(cpu0, platformCpuMs(p), count) });
    return result;
  };
  const readyCount = async () =>
    (
      await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM kplane.workspaces w JOIN kplane.tenants t ON t.id = w.tenant_id WHERE t.name = $1 AND w.phase = 'Ready'`,
        [tenant],
      )
    ).rows[0].n;
  let spaces: BenchWorkspace[] = [];
  try {
    await queue.pause();
    const ids = await step('POST /workspaces (lifecycle queue paused)', () =>
      mapLimit(count, concurrency, (i) => createWorkspace(p, tenant, names[i])),
    );
    await step('worker: the provisioning jobs (queue resumed)', async () => {
      await queue.resume();
      await waitFor(`${count} workspaces Ready`, async () => (await readyCount()) === count, 300_000);
    }, false); // the POSTs took the spares, and the paused queue holds the pool back: nothing to wait for
    await step('GET ?waitFor=Ready (already Ready)', () => mapLimit(count, concurrency, (i) => waitForReady(p, tenant, names[i], 60)));
    spaces = await step('GET /kubeconfig', () => mapLimit(count, concurrency, (i) => workspaceAccess(p, tenant, names[i], ids[i], 0, 1)));
    const list = (ws: BenchWorkspace) =>
      kubeRequest(ws, 'GET', '/api/v1/namespaces/default/configmaps', { parse: false }).then((r) => {
        if (r.status !== 200) throw new Error(`list: ${r.status}`);
      });
    await step('first list (new TLS connection)', () => mapLimit(count, concurrency, (i) => list(spaces[i])));
    await step('second list (same connection)', () => mapLimit(count, concurrency, (i) => list(spaces[i])));
    return costs;
  } finally {
    for (const ws of spaces) ws.agent.destroy();
    await queue.resume().catch(() => undefined);
    await queue.close();
    connection.disconnect();
    await pool.end();
  }
}
