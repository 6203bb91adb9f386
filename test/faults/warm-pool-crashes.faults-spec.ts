import { adminApi, waitFor } from '@kplane/testing';
import { expectConsistent, listNamespacesStatus, shardState, useFaultSuite, waitForOperation, workspaceAccess } from './fault-harness';

/**
 * The warm pool while the worker is SIGKILLed over and over: spares half-built or half-dropped by
 * a dead worker are finished by the next one, creations take spares meanwhile, and nothing is left
 * that belongs to neither a workspace nor a spare.
 */
describe('faults: warm pool with worker crashes', () => {
  const TARGET = 6;
  const suite = useFaultSuite('warm', { KPLANE_SPARE_WORKSPACES: String(TARGET), KPLANE_SPARE_WORKSPACES_INTERVAL_SECONDS: '1' });

  it('ends with every creation finished, the pool full and no orphan schema or role', async () => {
    const spareCount = async () => (await shardState(suite.platform)).spares.size;
    // Kill the worker while it builds the pool, several times at different points.
    for (const delay of [300, 450, 700]) {
      await waitFor('the worker to start building spares', async () => (await spareCount()) > 0, { timeoutMs: 30_000, intervalMs: 50 });
      await new Promise((r) => setTimeout(r, delay));
      await suite.platform.kill('worker', 'SIGKILL');
      suite.platform.start('worker');
    }
    // Creations while the pool is being rebuilt, with one more crash in the middle.
    const created = await Promise.all(Array.from({ length: 12 }, (_, i) => adminApi(suite.platform, 'POST', `/v1/tenants/${suite.tenant}/workspaces`, { name: `w-${i}` })));
    expect(created.map((r) => r.status)).toEqual(Array(12).fill(202));
    await new Promise((r) => setTimeout(r, 400));
    await suite.platform.kill('worker', 'SIGKILL');
    suite.platform.start('worker');
    for (const r of created) expect((await waitForOperation(suite.platform, r.body.operation.id, 120_000)).status).toBe('Succeeded');

    await waitFor(
      'the pool to be full again with every spare Ready',
      async () => {
        const s = await shardState(suite.platform);
        return s.spares.size === TARGET && [...s.spares.values()].every((v) => v === 'Ready');
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const state = await shardState(suite.platform);
    expectConsistent(state);
    expect(state.schemas.size).toBe(state.workspaces.length + TARGET);
    expect(state.roles.size).toBe(state.schemas.size);
    for (let i = 0; i < 12; i++) {
      const access = await workspaceAccess(suite.platform, suite.tenant, `w-${i}`, suite.dir);
      expect({ i, status: await listNamespacesStatus(access) }).toEqual({ i, status: 200 });
    }
  }, 300_000);
});
