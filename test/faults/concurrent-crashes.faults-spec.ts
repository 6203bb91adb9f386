import { adminApi, RunningPlatform } from '@kplane/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectConsistent, listNamespacesStatus, shardState, startFaultPlatform, stopFaultPlatform, waitForOperation, workspaceAccess } from './fault-harness';

/** 50 workspace creations at once, the worker SIGKILLed and restarted twice in the middle. */
describe('faults: 50 concurrent creations with two worker crashes', () => {
  let platform: RunningPlatform;
  let dir: string;
  const tenant = `burst-${Date.now().toString(36)}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kplane-faults-'));
    platform = await startFaultPlatform({ KPLANE_WORKER_CONCURRENCY: '8' });
    expect((await adminApi(platform, 'POST', '/v1/tenants', { name: tenant })).status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await stopFaultPlatform(platform);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('ends with every operation finished and the shard matching the control schema', async () => {
    const started = Date.now();
    const created = await Promise.all(
      Array.from({ length: 50 }, (_, i) => adminApi(platform, 'POST', `/v1/tenants/${tenant}/workspaces`, { name: `ws-${i}` })),
    );
    expect(created.map((r) => r.status)).toEqual(Array(50).fill(202));
    const kills: number[] = [];
    for (const delay of [1500, 2500]) {
      await new Promise((r) => setTimeout(r, delay));
      await platform.kill('worker', 'SIGKILL');
      kills.push(Date.now() - started);
      platform.start('worker');
    }
    const results = [];
    for (const r of created) results.push(await waitForOperation(platform, r.body.operation.id, 240_000));
    const byStatus = results.reduce<Record<string, number>>((acc, r) => ((acc[r.status] = (acc[r.status] ?? 0) + 1), acc), {});
    console.log(`worker killed at ${kills.join(', ')} ms; outcomes ${JSON.stringify(byStatus)}; all finished after ${Date.now() - started} ms`);
    for (const r of results) expect(['Succeeded', 'Failed']).toContain(r.status);

    const state = await shardState(platform);
    expectConsistent(state);
    const live = state.workspaces.filter((w) => w.phase === 'Ready');
    expect(state.schemas.size).toBe(live.length + state.workspaces.filter((w) => w.phase === 'Failed' && state.schemas.has(`ws_${w.id.replace(/-/g, '')}`)).length);
    expect(state.roles.size).toBe(state.schemas.size);
    for (let i = 0; i < 50; i++) {
      const w = state.workspaces.find((x) => x.id === created[i]!.body.workspace.id)!;
      if (w.phase !== 'Ready') continue;
      const access = await workspaceAccess(platform, tenant, `ws-${i}`, dir);
      expect({ i, status: await listNamespacesStatus(access) }).toEqual({ i, status: 200 });
    }
  }, 400_000);
});
