import { createTestDatabase, TestDatabase } from '@kplane/testing';
import { ApiHarness, randomName, startApi } from '../testing/api-harness';

async function tenantWithKey(api: ApiHarness): Promise<{ tenant: string; token: string }> {
  const tenant = randomName('rl');
  expect((await api.request('POST', '/v1/tenants', { body: { name: tenant } })).status).toBe(201);
  const key = await api.request('POST', `/v1/tenants/${tenant}/api-keys`, { body: { name: 'k' } });
  return { tenant, token: key.json.token };
}

describe('per-tenant rate limit (Redis token bucket)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('429 problem+json with Retry-After once the burst is spent; per tenant; admin unlimited', async () => {
    const api = await startApi(db.url, { KPLANE_API_RATE_LIMIT_PER_SECOND: '0.5', KPLANE_API_RATE_LIMIT_BURST: '3' });
    try {
      const a = await tenantWithKey(api);
      const b = await tenantWithKey(api);
      const statuses: number[] = [];
      let limited: Awaited<ReturnType<ApiHarness['request']>> | undefined;
      for (let i = 0; i < 6; i++) {
        const res = await api.request('GET', `/v1/tenants/${a.tenant}`, { token: a.token });
        statuses.push(res.status);
        if (res.status === 429) limited ??= res;
      }
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses.slice(3)).toEqual([429, 429, 429]);
      expect(limited!.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(limited!.json).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(limited!.headers.get('retry-after'))).toBeLessThanOrEqual(2);
      // Tenant B has its own bucket; the admin is not limited.
      expect((await api.request('GET', `/v1/tenants/${b.tenant}`, { token: b.token })).status).toBe(200);
      for (let i = 0; i < 10; i++) expect((await api.request('GET', `/v1/tenants/${a.tenant}`)).status).toBe(200);
      // Limited writes change nothing (and are audited as failures).
      const write = await api.request('PATCH', `/v1/tenants/${a.tenant}`, { body: { displayName: 'nope' }, token: a.token });
      expect(write.status).toBe(429);
      expect((await api.request('GET', `/v1/tenants/${a.tenant}`)).json.displayName).toBeNull();
      // Tokens come back with time (0.5/s: one after 2 s).
      await new Promise((r) => setTimeout(r, 2100));
      expect((await api.request('GET', `/v1/tenants/${a.tenant}`, { token: a.token })).status).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('fails open when Redis is down', async () => {
    const api = await startApi(db.url, { KPLANE_API_RATE_LIMIT_PER_SECOND: '0.1', KPLANE_API_RATE_LIMIT_BURST: '1' });
    const down = await startApi(db.url, { KPLANE_API_RATE_LIMIT_PER_SECOND: '0.1', KPLANE_API_RATE_LIMIT_BURST: '1', REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const a = await tenantWithKey(api);
      for (let i = 0; i < 5; i++) expect((await down.request('GET', `/v1/tenants/${a.tenant}`, { token: a.token })).status).toBe(200);
    } finally {
      await down.close();
      await api.close();
    }
  });
});
