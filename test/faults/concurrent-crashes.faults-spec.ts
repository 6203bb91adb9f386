import { adminApi } from '@kplane/testing';
import { expectConsistent, listNamespacesStatus, shardState, useFaultSuite, waitForOperation, workspaceAccess } from './fault-harness';

/** 50 workspace creations at once, the worker SIGKILLed and restarted twice in the middle. */
describe('faults: 50 concurrent creations with two worker crashes', () => {
  const suite = useFaultSuite('burst', { KPLANE_WORKER_CONCURRENCY: '8' });

  it('ends with every operation finished and the shard matching the control schema', async () => {
    const started = Date.now();
    const created = await Promise.all(
      Array.from({ length: 50 }, (_, i) => adminApi(suite.platform, 'POST', `/v1/tenants/${suite.tenant}/workspaces`, { name: `ws-${i}` })),
    );
    expect(created.map((r) => r.status)).toEqual(Array(50).fill(202));
    const kills: number[] = [];
    for (const delay of [1500, 2500]) {
      await new Promise((r) => setTimeout(r, delay));
      await suite.platform.kill('worker', 'SIGKILL');
      kills.push(Date.now() - started);
      suite.platform.start('worker');
    }
    const results = [];
    for (const r of created) results.push(await waitForOperation(suite.platform, r.body.operation.id, 240_000));
    const byStatus = results.reduce<Record<string, number>>((acc, r) => ((acc[r.status] = (acc[r.status] ?? 0) + 1), acc), {});
    console.log(`worker killed at ${kills.join(', ')} ms; outcomes ${JSON.stringify(byStatus)}; all finished after ${Date.now() - started} ms`);
    for (const r of results) expect(['Succeeded', 'Failed']).toContain(r.status);

    const state = await shardState(suite.platform);
    expectConsistent(state);
    const live = state.workspaces.filter((w) => w.phase === 'Ready');
    expect(state.schemas.size).toBe(live.length + state.workspaces.filter((w) => w.phase === 'Failed' && state.schemas.has(`ws_${w.id.replace(/-/g, '')}`)).length);
    expect(state.roles.size).toBe(state.schemas.size);
    for (let i = 0; i < 50; i++) {
      const w = state.workspaces.find((x) => x.id === created[i]!.body.workspace.id)!;
      if (w.phase !== 'Ready') continue;
      const access = await workspaceAccess(suite.platform, suite.tenant, `ws-${i}`, suite.dir);
      expect({ i, status: await listNamespacesStatus(access) }).toEqual({ i, status: 200 });
    }
  }, 400_000);
});
