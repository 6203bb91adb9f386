import { Client } from 'pg';
import { ApiHarness, randomName, useApiSuite } from '../testing/api-harness';

interface Fixture {
  tenant: string;
  tenantId: string;
  workspace: string;
  operationId: string;
  keyId: string;
  token: string;
}

describe('tenant API keys', () => {
  const suite = useApiSuite();
  let api: ApiHarness;
  let pg: Client;
  beforeAll(() => {
    ({ api, pg } = suite);
  });

  async function fixture(prefix: string): Promise<Fixture> {
    const tenant = randomName(prefix);
    const created = await api.request('POST', '/v1/tenants', { body: { name: tenant } });
    expect(created.status).toBe(201);
    const ws = await api.request('POST', `/v1/tenants/${tenant}/workspaces`, { body: { name: 'dev' } });
    expect(ws.status).toBe(202);
    const key = await api.request('POST', `/v1/tenants/${tenant}/api-keys`, { body: { name: 'ci' } });
    expect(key.status).toBe(201);
    return { tenant, tenantId: created.json.id, workspace: 'dev', operationId: ws.json.operation.id, keyId: key.json.id, token: key.json.token };
  }

  it('lifecycle: create (token once, hashed), list, 409 on a taken name, 422 on a bad name, revoke', async () => {
    const tenant = randomName('keys');
    expect((await api.request('POST', '/v1/tenants', { body: { name: tenant } })).status).toBe(201);
    const created = await api.request('POST', `/v1/tenants/${tenant}/api-keys`, { body: { name: 'deploy' } });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'deploy', token: expect.stringMatching(/^kpk_[A-Za-z0-9_-]{32}$/) });
    expect(created.headers.get('cache-control')).toBe('no-store');
    const stored = await pg.query(`SELECT token_hash FROM kplane.api_keys WHERE id = $1`, [created.json.id]);
    expect(stored.rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    const dump = await pg.query(`SELECT row_to_json(k)::text AS t FROM kplane.api_keys k`);
    expect(dump.rows.map((r) => r.t).join('\n')).not.toContain(created.json.token);

    const dup = await api.request('POST', `/v1/tenants/${tenant}/api-keys`, { body: { name: 'deploy' } });
    expect(dup.status).toBe(409);
    expect(dup.json.code).toBe('API_KEY_NAME_TAKEN');
    for (const name of ['', 'Deploy', 'a'.repeat(64), "x'; DROP TABLE kplane.api_keys; --", 42]) {
      const bad = await api.request('POST', `/v1/tenants/${tenant}/api-keys`, { body: { name } });
      expect(bad.status).toBe(422);
      expect(bad.json.errors[0].field).toBe('name');
    }
    expect((await api.request('POST', `/v1/tenants/${tenant}/api-keys`, { body: { name: 'x', extra: 1 } })).status).toBe(400);

    for (const name of ['a1', 'a2', 'a3']) expect((await api.request('POST', `/v1/tenants/${tenant}/api-keys`, { body: { name } })).status).toBe(201);
    const first = await api.request('GET', `/v1/tenants/${tenant}/api-keys?limit=2`);
    expect(first.status).toBe(200);
    expect(first.json.items).toEqual([
      { id: expect.any(String), name: 'a1', createdAt: expect.stringMatching(/Z$/), lastUsedAt: null },
      { id: expect.any(String), name: 'a2', createdAt: expect.any(String), lastUsedAt: null },
    ]);
    const second = await api.request('GET', `/v1/tenants/${tenant}/api-keys?limit=2&cursor=${first.json.nextCursor}`);
    expect(second.json.items.map((k: { name: string }) => k.name)).toEqual(['a3', 'deploy']);
    expect(second.json.nextCursor).toBeNull();
    expect(JSON.stringify([first.json, second.json])).not.toContain('kpk_');
    expect((await api.request('GET', `/v1/tenants/${tenant}/api-keys?cursor=zz`)).status).toBe(400);

    // The key works, then is revoked and refused; its name can be reused.
    expect((await api.request('GET', `/v1/tenants/${tenant}`, { token: created.json.token })).status).toBe(200);
    const del = await api.request('DELETE', `/v1/tenants/${tenant}/api-keys/${created.json.id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const refused = await api.request('GET', `/v1/tenants/${tenant}`, { token: created.json.token });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await api.request('DELETE', `/v1/tenants/${tenant}/api-keys/${created.json.id}`)).status).toBe(404);
    expect((await api.request('DELETE', `/v1/tenants/${tenant}/api-keys/not-a-uuid`)).status).toBe(404);
    const listed = await api.request('GET', `/v1/tenants/${tenant}/api-keys`);
    expect(listed.json.items.map((k: { name: string }) => k.name)).toEqual(['a1', 'a2', 'a3']);
    expect((await api.request('POST', `/v1/tenants/${tenant}/api-keys`, { body: { name: 'deploy' } })).status).toBe(201);
    expect((await api.request('POST', `/v1/tenants/${randomName('nope')}/api-keys`, { body: { name: 'x' } })).status).toBe(404);
  });

  it('lastUsedAt is set on use and written at most once a minute', async () => {
    const f = await fixture('used');
    const before = await api.request('GET', `/v1/tenants/${f.tenant}/api-keys`);
    expect(before.json.items[0].lastUsedAt).toBeNull();
    expect((await api.request('GET', `/v1/tenants/${f.tenant}`, { token: f.token })).status).toBe(200);
    const after = await api.request('GET', `/v1/tenants/${f.tenant}/api-keys`);
    const first = after.json.items[0].lastUsedAt;
    expect(Date.parse(first)).toBeGreaterThan(Date.now() - 60_000);
    for (let i = 0; i < 3; i++) await api.request('GET', `/v1/tenants/${f.tenant}`, { token: f.token });
    expect((await api.request('GET', `/v1/tenants/${f.tenant}/api-keys`)).json.items[0].lastUsedAt).toBe(first);
    // Once the last write is a minute old, the next use writes again.
    await pg.query(`UPDATE kplane.api_keys SET last_used_at = now() - interval '2 minutes' WHERE id = $1`, [f.keyId]);
    await api.request('GET', `/v1/tenants/${f.tenant}`, { token: f.token });
    const later = (await api.request('GET', `/v1/tenants/${f.tenant}/api-keys`)).json.items[0].lastUsedAt;
    expect(Date.parse(later)).toBeGreaterThan(Date.now() - 30_000);
  });

  it('scoping matrix: admin vs key A vs key B on every endpoint', async () => {
    const a = await fixture('sa');
    const b = await fixture('sb');
    type Row = [method: string, path: (f: Fixture) => string, body: unknown, admin: number, own: number, other: number];
    // own = key of the same tenant, other = key of the other tenant (which must see 404, or 403 where admin-only).
    const matrix: Row[] = [
      ['GET', () => '/v1/tenants', undefined, 200, 200, 200],
      ['GET', (f) => `/v1/tenants/${f.tenant}`, undefined, 200, 200, 404],
      ['PATCH', (f) => `/v1/tenants/${f.tenant}`, { displayName: 'x' }, 200, 200, 404],
      ['PATCH', (f) => `/v1/tenants/${f.tenant}`, { quota: { maxWorkspaces: 99 } }, 200, 403, 404],
      ['GET', (f) => `/v1/tenants/${f.tenant}/quota`, undefined, 200, 200, 404],
      ['PUT', (f) => `/v1/tenants/${f.tenant}/quota`, { maxWorkspaces: 50 }, 200, 403, 404],
      ['GET', (f) => `/v1/tenants/${f.tenant}/workspaces`, undefined, 200, 200, 404],
      ['GET', (f) => `/v1/tenants/${f.tenant}/workspaces/${f.workspace}`, undefined, 200, 200, 404],
      ['GET', (f) => `/v1/tenants/${f.tenant}/workspaces/${f.workspace}/kubeconfig`, undefined, 409, 409, 404],
      ['POST', (f) => `/v1/tenants/${f.tenant}/workspaces/${f.workspace}/suspend`, {}, 409, 409, 404],
      ['POST', (f) => `/v1/tenants/${f.tenant}/workspaces/${f.workspace}/resume`, {}, 409, 409, 404],
      ['POST', (f) => `/v1/tenants/${f.tenant}/workspaces/${f.workspace}/credentials/rotate`, {}, 409, 409, 404],
      ['GET', (f) => `/v1/tenants/${f.tenant}/operations`, undefined, 200, 200, 404],
      ['GET', (f) => `/v1/operations/${f.operationId}`, undefined, 200, 200, 404],
      ['GET', (f) => `/v1/tenants/${f.tenant}/api-keys`, undefined, 200, 200, 404],
      ['POST', () => '/v1/tenants', { name: randomName('nt') }, 201, 403, 403],
      ['GET', () => '/v1/audit', undefined, 200, 403, 403],
      ['DELETE', (f) => `/v1/tenants/${f.tenant}/api-keys/00000000-0000-4000-8000-000000000000`, undefined, 404, 404, 404],
    ];
    const failures: string[] = [];
    for (const [method, path, body, admin, own, other] of matrix) {
      const target = path(a);
      const asAdmin = await api.request(method, target, { body });
      const asOwn = await api.request(method, target, { body, token: a.token });
      const asOther = await api.request(method, target, { body, token: b.token });
      const got = [asAdmin.status, asOwn.status, asOther.status];
      if (got.join() !== [admin, own, other].join()) failures.push(`${method} ${target}: got ${got.join('/')} want ${admin}/${own}/${other}`);
      if (asOther.status === 404 || asOther.status === 403) {
        expect(asOther.text).not.toContain(a.tenantId);
        expect(asOther.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    }
    expect(failures).toEqual([]);

    // Listing tenants with a key returns only its own tenant, whatever the selector or cursor.
    const listA = await api.request('GET', '/v1/tenants?limit=500', { token: a.token });
    expect(listA.json.items.map((t: { name: string }) => t.name)).toEqual([a.tenant]);
    // A key may create workspaces in its own tenant only.
    expect((await api.request('POST', `/v1/tenants/${a.tenant}/workspaces`, { body: { name: 'by-key' }, token: a.token })).status).toBe(202);
    expect((await api.request('POST', `/v1/tenants/${a.tenant}/workspaces`, { body: { name: 'by-b' }, token: b.token })).status).toBe(404);
    expect((await api.request('POST', `/v1/tenants/${a.tenant}/api-keys`, { body: { name: 'by-b' }, token: b.token })).status).toBe(404);
    // B cannot revoke A's key, even knowing its id and using its own tenant's path.
    expect((await api.request('DELETE', `/v1/tenants/${b.tenant}/api-keys/${a.keyId}`, { token: b.token })).status).toBe(404);
    expect((await api.request('DELETE', `/v1/tenants/${a.tenant}/api-keys/${a.keyId}`, { token: b.token })).status).toBe(404);
    expect((await api.request('GET', `/v1/tenants/${a.tenant}`, { token: a.token })).status).toBe(200);
    // Deleting workspaces / tenants: another tenant's is 404; deleting a tenant is admin-only.
    expect((await api.request('DELETE', `/v1/tenants/${a.tenant}/workspaces/by-key`, { token: b.token })).status).toBe(404);
    expect((await api.request('DELETE', `/v1/tenants/${a.tenant}/workspaces/by-key`, { token: a.token })).status).toBe(202);
    expect((await api.request('DELETE', `/v1/tenants/${a.tenant}`, { token: a.token })).status).toBe(403);
    expect((await api.request('DELETE', `/v1/tenants/${a.tenant}`, { token: b.token })).status).toBe(403);
    // Nothing of B's changed.
    const bNow = await api.request('GET', `/v1/tenants/${b.tenant}`);
    expect(bNow.json.displayName).toBeNull();
    expect(bNow.json.quota.maxWorkspaces).toBeNull();
  });

  it("keys of a deleted tenant stop working; a key is refused once its tenant's row is gone", async () => {
    const tenant = randomName('gone');
    const created = await api.request('POST', '/v1/tenants', { body: { name: tenant } });
    const key = await api.request('POST', `/v1/tenants/${tenant}/api-keys`, { body: { name: 'k' } });
    expect((await api.request('GET', `/v1/tenants/${tenant}`, { token: key.json.token })).status).toBe(200);
    expect((await api.request('DELETE', `/v1/tenants/${tenant}`)).status).toBe(202);
    // The worker removes the row at the end of DeleteTenant; do what it does.
    await pg.query(`DELETE FROM kplane.tenants WHERE id = $1`, [created.json.id]);
    expect((await api.request('GET', '/v1/tenants', { token: key.json.token })).status).toBe(401);
    expect((await pg.query(`SELECT 1 FROM kplane.api_keys WHERE tenant_id = $1`, [created.json.id])).rowCount).toBe(0);
  });

  it('401 for unknown, malformed and admin-looking tokens', async () => {
    for (const token of ['kpk_' + 'A'.repeat(32), 'kpk_', 'kpk_../../etc', api.adminToken + 'x', 'x'.repeat(4000)]) {
      expect((await api.request('GET', '/v1/tenants', { token })).status).toBe(401);
    }
  });
});
