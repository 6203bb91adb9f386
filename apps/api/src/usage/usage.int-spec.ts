import { randomUUID } from 'node:crypto';
import { ApiHarness, ApiSuite, randomName, useApiSuite } from '../testing/api-harness';

describe('usage API (from samples)', () => {
  const suite = useApiSuite();
  let api: ApiHarness;
  let pool: ApiSuite['pg'];
  beforeAll(() => {
    api = suite.api;
    pool = suite.pg;
  });

  const sample = (tenantId: string, workspaceId: string, name: string, at: string, objects: number, bytes: number, requests: Record<string, number>) =>
    pool.query(
      `INSERT INTO kplane.usage_samples (tenant_id, workspace_id, workspace_name, sampled_at, objects, storage_bytes, api_requests, api_requests_total, open_watches, by_resource)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 2, '{"configmaps": 1}')`,
      [tenantId, workspaceId, name, at, objects, bytes, JSON.stringify(requests), Object.values(requests).reduce((a, b) => a + b, 0)],
    );

  it('sums requests and takes the latest objects/storage per workspace in the period; scoped to the tenant', async () => {
    const tenant = randomName('use');
    const other = randomName('oth');
    const t = (await api.request('POST', '/v1/tenants', { body: { name: tenant } })).json.id as string;
    const o = (await api.request('POST', '/v1/tenants', { body: { name: other } })).json.id as string;
    const dev = randomUUID();
    const prod = randomUUID();
    await sample(t, dev, 'dev', '2024-03-01T00:00:00Z', 10, 1000, { get: 5, list: 1 });
    await sample(t, dev, 'dev', '2024-03-10T00:00:00Z', 12, 1500, { get: 3, create: 2 });
    await sample(t, prod, 'prod', '2024-03-05T00:00:00Z', 100, 9000, { watch: 7 });
    await sample(t, prod, 'prod', '2024-04-02T00:00:00Z', 999, 99999, { get: 1000 }); // outside March
    await sample(o, randomUUID(), 'x', '2024-03-05T00:00:00Z', 5, 5, { get: 5 });

    const res = await api.request('GET', `/v1/tenants/${tenant}/usage?from=2024-03-01T00:00:00Z&to=2024-04-01T00:00:00Z`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ tenant, from: '2024-03-01T00:00:00.000Z', to: '2024-04-01T00:00:00.000Z', workspaces: 2, objects: 112, storageBytes: 10500, apiRequests: 18 });
    expect(res.json.byWorkspace).toEqual([
      expect.objectContaining({ workspace: 'dev', workspaceId: dev, objects: 12, storageBytes: 1500, apiRequests: 11, apiRequestsByVerb: { get: 8, list: 1, create: 2 }, openWatches: 2, byResource: { configmaps: 1 } }),
      expect.objectContaining({ workspace: 'prod', objects: 100, storageBytes: 9000, apiRequests: 7 }),
    ]);

    // Default period is the current month: nothing sampled now.
    const current = await api.request('GET', `/v1/tenants/${tenant}/usage`);
    expect(current.status).toBe(200);
    expect(current.json).toMatchObject({ workspaces: 0, objects: 0, apiRequests: 0, byWorkspace: [] });
    expect(new Date(current.json.from).getUTCDate()).toBe(1);

    // A tenant key sees its own tenant only; others are 404; /v1/usage is admin only.
    const key = (await api.request('POST', `/v1/tenants/${tenant}/api-keys`, { body: { name: 'billing' } })).json.token as string;
    expect((await api.request('GET', `/v1/tenants/${tenant}/usage?from=2024-03-01T00:00:00Z&to=2024-04-01T00:00:00Z`, { token: key })).json.apiRequests).toBe(18);
    expect((await api.request('GET', `/v1/tenants/${other}/usage`, { token: key })).status).toBe(404);
    const forbidden = await api.request('GET', '/v1/usage', { token: key });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toMatch(/problem\+json/);

    // Admin: all tenants, paginated by name.
    const seen: { tenant: string; apiRequests: number }[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/v1/usage?from=2024-03-01T00:00:00Z&to=2024-04-01T00:00:00Z&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await api.request('GET', q);
      expect(page.status).toBe(200);
      expect(page.json.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.json.items);
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(seen.map((u) => u.tenant)).toEqual([tenant, other].sort());
    expect(seen.find((u) => u.tenant === other)!.apiRequests).toBe(5);
  });

  it('answers 400 problem+json for unreadable dates or from after to', async () => {
    const tenant = randomName('bad');
    await api.request('POST', '/v1/tenants', { body: { name: tenant } });
    for (const q of ['from=yesterday', 'to=2024-13-45T00:00:00Z', 'from=2024-03-02T00:00:00Z&to=2024-03-01T00:00:00Z', 'from=2024-03-01']) {
      const res = await api.request('GET', `/v1/tenants/${tenant}/usage?${q}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      expect(res.json.code).toBe('USAGE_PERIOD_INVALID');
    }
    expect((await api.request('GET', '/v1/usage?from=nope')).status).toBe(400);
    expect((await api.request('GET', '/v1/usage?limit=0')).status).toBe(400);
  });
});
