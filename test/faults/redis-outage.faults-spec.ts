import { adminApi, RunningPlatform, waitFor } from '@kplane/testing';
import { expectConsistent, PrivateRedis, shardState, startFaultPlatform, stopFaultPlatform, waitForOperation } from './fault-harness';

/**
 * Redis stops (data lost, as with `shutdown nosave`) while the API keeps recording requests; when
 * it comes back empty, the sweeper finds every Queued operation in Postgres and runs it.
 */
describe('faults: Redis outage and data loss', () => {
  let redis: PrivateRedis;
  let platform: RunningPlatform;
  const tenant = `redis-${Date.now().toString(36)}`;

  beforeAll(async () => {
    redis = await PrivateRedis.create();
    platform = await startFaultPlatform({ REDIS_URL: redis.url });
    expect((await adminApi(platform, 'POST', '/v1/tenants', { name: tenant })).status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await stopFaultPlatform(platform);
    await redis?.stop();
  }, 60_000);

  it('records requests while Redis is down and completes all of them once it is back', async () => {
    // One workspace before the outage, to delete during it.
    const first = await adminApi(platform, 'POST', `/v1/tenants/${tenant}/workspaces`, { name: 'before' });
    expect((await waitForOperation(platform, first.body.operation.id)).status).toBe('Succeeded');

    await redis.stop();
    const ops: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await adminApi(platform, 'POST', `/v1/tenants/${tenant}/workspaces`, { name: `during-${i}` });
      expect(r.status).toBe(202);
      ops.push(r.body.operation.id);
    }
    const del = await adminApi(platform, 'DELETE', `/v1/tenants/${tenant}/workspaces/before`);
    expect(del.status).toBe(202);
    ops.push(del.body.id);
    const ready = await adminApi(platform, 'GET', '/readyz');
    expect(ready.status).toBe(503);
    // The worker survives the outage (it reconnects; nothing is lost meanwhile).
    await new Promise((r) => setTimeout(r, 3000));
    expect(platform.pid('worker')).not.toBeNull();

    await redis.start();
    const started = Date.now();
    for (const id of ops) expect((await waitForOperation(platform, id, 120_000)).status).toBe('Succeeded');
    console.log(`Redis back -> all ${ops.length} operations Succeeded in ${Date.now() - started} ms`);
    await waitFor('readyz 200', async () => (await adminApi(platform, 'GET', '/readyz')).status === 200, { timeoutMs: 30_000 });

    const state = await shardState(platform);
    expectConsistent(state);
    expect(state.workspaces.map((w) => w.phase).sort()).toEqual(['Ready', 'Ready', 'Ready', 'Ready', 'Ready']);
    expect(state.schemas.size).toBe(5);
    expect(state.roles.size).toBe(5);

    const metrics = await (await fetch(platform.workerMetricsUrl)).text();
    expect(metrics).toMatch(/kplane_sweeper_requeued_operations_total\{reason="job_missing",app="worker"\} [1-9]/);
    expect(metrics).toContain('kplane_worker_jobs_total');
  }, 240_000);
});
