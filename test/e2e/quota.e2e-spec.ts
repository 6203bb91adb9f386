import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { adminApi, dropWorkspaceRoles, kubectl, kubeRequest, provisionWorkspace, RunningPlatform, startPlatform, TestWorkspace, waitFor } from '@kplane/testing';

const EXCEEDED = /^configmaps "([^"]+)" is forbidden: exceeded quota: kplane-tenant-quota, requested: count\/objects=1, used: count\/objects=(\d+), limited: count\/objects=(\d+)$/;

/** Tenant quotas enforced by the Kubernetes API (issue 7 item 1). */
describe('quotas', () => {
  let platform: RunningPlatform;
  let dir: string;
  let ws: TestWorkspace;
  const tenant = `quota-${Date.now().toString(36)}`;
  const raceTenant = `quota-race-${Date.now().toString(36)}`;

  const putQuota = async (t: string, quota: Record<string, number | null>) => {
    const res = await adminApi(platform, 'PUT', `/v1/tenants/${t}/quota`, quota);
    if (res.status !== 200) throw new Error(`PUT quota: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const createCm = (name: string, data: Record<string, string> = {}) =>
    kubeRequest(ws, 'POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kplane-quota-'));
    platform = await startPlatform({ KPLANE_WORKSPACE_RATE_LIMIT_PER_SECOND: '200', KPLANE_WORKSPACE_RATE_LIMIT_BURST: '400' });
    ws = await provisionWorkspace(platform, tenant, 'q', dir);
  }, 120_000);

  afterAll(async () => {
    await adminApi(platform, 'DELETE', `/v1/tenants/${tenant}`).catch(() => undefined);
    for (let round = 0; round < 3; round++) await adminApi(platform, 'DELETE', `/v1/tenants/${raceTenant}-${round}`).catch(() => undefined);
    await platform?.stop();
    await dropWorkspaceRoles(platform?.database.url);
    await platform?.database.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('refuses creates over maxObjectsPerWorkspace with 403 and the Kubernetes exceeded-quota message; raising it allows them within seconds', async () => {
    await putQuota(tenant, { maxObjectsPerWorkspace: 0 });
    let used = 0;
    await waitFor('quota 0 in effect', async () => {
      const res = await createCm('probe-zero');
      if (res.status === 201) {
        await kubeRequest(ws, 'DELETE', '/api/v1/namespaces/default/configmaps/probe-zero');
        return false;
      }
      expect(res.status).toBe(403);
      const m = EXCEEDED.exec(res.body.message);
      expect(m).not.toBeNull();
      used = Number(m![2]);
      expect(m![3]).toBe('0');
      expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403, details: { name: 'probe-zero', kind: 'configmaps' } });
      return true;
    }, { timeoutMs: 15_000 });
    expect(used).toBeGreaterThan(0); // bootstrap objects (namespaces, roles...) count too

    // Raised: allowed within seconds, without restarts.
    const limit = used + 3;
    await putQuota(tenant, { maxObjectsPerWorkspace: limit });
    const started = Date.now();
    await waitFor('raised quota in effect', async () => (await createCm('c1')).status === 201, { timeoutMs: 15_000 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await createCm('c2')).status).toBe(201);
    expect((await createCm('c3')).status).toBe(201);
    const refused = await createCm('c4');
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe(`configmaps "c4" is forbidden: exceeded quota: kplane-tenant-quota, requested: count/objects=1, used: count/objects=${limit}, limited: count/objects=${limit}`);

    // kubectl shows the same message.
    const k = await kubectl(ws.kubeconfigPath, ['create', 'configmap', 'k1', '--from-literal=a=b'], { cacheDir: join(dir, 'cache') });
    expect(k.code).not.toBe(0);
    expect(k.stderr).toContain(`configmaps "k1" is forbidden: exceeded quota: kplane-tenant-quota, requested: count/objects=1, used: count/objects=${limit}, limited: count/objects=${limit}`);

    // Webhook subscribers hear of it: quota.exceeded events in the outbox, deduplicated per minute.
    await waitFor('quota.exceeded event', async () => {
      const pg = new Client({ connectionString: platform.database.url });
      await pg.connect();
      try {
        const { rows } = await pg.query(`SELECT payload FROM kplane.webhook_events WHERE type = 'quota.exceeded' AND workspace_id = $1`, [ws.id]);
        // One per workspace and minute: two refusals straddling a minute boundary give two.
        return rows.length >= 1 && rows.length <= 2 && rows.every((r) => r.payload.type === 'io.kplane.quota.exceeded');
      } finally {
        await pg.end();
      }
    }, { timeoutMs: 10_000 });

    // Updates and deletes still work over (or at) the limit; nothing was deleted.
    const list = await kubeRequest(ws, 'GET', '/api/v1/namespaces/default/configmaps');
    expect(list.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(expect.arrayContaining(['c1', 'c2', 'c3']));
    expect((await kubeRequest(ws, 'PATCH', '/api/v1/namespaces/default/configmaps/c1', { rawBody: JSON.stringify({ data: { x: 'y' } }), headers: { 'content-type': 'application/merge-patch+json' } })).status).toBe(200);
  }, 60_000);

  it('lowering the quota below usage blocks creates and deletes nothing; concurrent creates never overshoot', async () => {
    const before = (await kubeRequest(ws, 'GET', '/api/v1/namespaces/default/configmaps')).body.items.length;
    await putQuota(tenant, { maxObjectsPerWorkspace: 1 });
    await waitFor('lowered quota in effect', async () => {
      const r = await createCm('low');
      if (r.status === 201) await kubeRequest(ws, 'DELETE', '/api/v1/namespaces/default/configmaps/low');
      return r.status === 403 && /limited: count\/objects=1$/.test(r.body.message);
    }, { timeoutMs: 15_000 });
    expect((await kubeRequest(ws, 'GET', '/api/v1/namespaces/default/configmaps')).body.items.length).toBe(before);

    // Room for exactly 4 more, then 12 concurrent creates.
    const probe = await createCm('probe-used');
    const used = Number(EXCEEDED.exec(probe.body.message)![2]);
    await putQuota(tenant, { maxObjectsPerWorkspace: used + 5 });
    await waitFor('room again', async () => (await createCm('race-probe')).status === 201, { timeoutMs: 15_000 });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => createCm(`race-${i}`)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(4);
    expect(results.filter((r) => r.status === 403)).toHaveLength(8);
  }, 60_000);

  it('refuses creates over maxStorageBytesPerWorkspace', async () => {
    await putQuota(tenant, { maxObjectsPerWorkspace: null, maxStorageBytesPerWorkspace: 1 });
    await waitFor('storage quota in effect', async () => {
      const r = await createCm(`big-${Date.now()}`, { d: 'x'.repeat(100) });
      if (r.status !== 403) return false;
      expect(r.body.message).toMatch(/^configmaps "big-\d+" is forbidden: exceeded quota: kplane-tenant-quota, requested: kplane\.io\/storage-bytes=\d+, used: kplane\.io\/storage-bytes=\d+, limited: kplane\.io\/storage-bytes=1$/);
      return true;
    }, { timeoutMs: 15_000 });
    await putQuota(tenant, { maxStorageBytesPerWorkspace: null });
    await waitFor('storage quota lifted', async () => (await createCm(`ok-${Date.now()}`)).status === 201, { timeoutMs: 15_000 });
  }, 60_000);

  it('maxRequestsPerSecondPerWorkspace feeds the rate limiter (429 with Retry-After)', async () => {
    await putQuota(tenant, { maxRequestsPerSecondPerWorkspace: 2 });
    let limited = 0;
    await waitFor('rate quota in effect', async () => {
      const results = await Promise.all(Array.from({ length: 30 }, () => kubeRequest(ws, 'GET', '/api/v1/namespaces/default/configmaps')));
      const tooMany = results.filter((r) => r.status === 429);
      limited = tooMany.length;
      if (limited === 0) return false;
      expect(tooMany[0].headers['retry-after']).toMatch(/^\d+$/);
      expect(tooMany[0].body).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429 });
      return true;
    }, { timeoutMs: 15_000 });
    expect(limited).toBeGreaterThan(0);
    // Now that it is in effect (the first batch may straddle the quota refresh): 2/s with a burst of 4
    // lets at most 4 + 2 per elapsed second through, however slowly this machine sends them.
    const started = Date.now();
    const batch = await Promise.all(Array.from({ length: 30 }, () => kubeRequest(ws, 'GET', '/api/v1/namespaces/default/configmaps')));
    const elapsed = (Date.now() - started) / 1000;
    const allowed = batch.filter((r) => r.status === 200).length;
    expect(allowed).toBeLessThanOrEqual(4 + Math.ceil(2 * elapsed) + 1);
    expect(batch.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    await putQuota(tenant, { maxRequestsPerSecondPerWorkspace: null });
    await waitFor('rate quota lifted', async () => (await kubeRequest(ws, 'GET', '/api/v1/namespaces')).status === 200, { timeoutMs: 20_000 });
  }, 60_000);

  it('maxWorkspaces holds under a race of concurrent workspace creates (422 naming the quota)', async () => {
    for (let round = 0; round < 3; round++) {
      const t = `${raceTenant}-${round}`;
      expect((await adminApi(platform, 'POST', '/v1/tenants', { name: t, quota: { maxWorkspaces: 2 } })).status).toBe(201);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => adminApi(platform, 'POST', `/v1/tenants/${t}/workspaces`, { name: `w${i}` })));
      // Everything but the two admitted creates is a 422 quota refusal (statuses shown on failure).
      expect(results.map((r) => `${r.status} ${r.status === 202 ? '' : JSON.stringify(r.body)}`.trim()).filter((x) => !x.startsWith('422'))).toEqual(['202', '202']);
      const refused = results.filter((r) => r.status === 422);
      expect(refused).toHaveLength(8);
      expect(refused[0].body).toMatchObject({ status: 422, code: 'QUOTA_EXCEEDED' });
      expect(refused[0].body.detail).toContain('maximum of 2 workspaces');
      const list = await adminApi(platform, 'GET', `/v1/tenants/${t}/workspaces`);
      expect(list.body.items).toHaveLength(2);
    }
  }, 90_000);
});
