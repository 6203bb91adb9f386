import { ApiHarness, randomName, useApiSuite } from '../testing/api-harness';

describe('tenants API', () => {
  const suite = useApiSuite();
  let api: ApiHarness;
  beforeAll(() => {
    api = suite.api;
  });

  it('requires the admin bearer token (401 problem+json)', async () => {
    for (const token of [null, 'wrong-token-wrong-token', '']) {
      const res = await api.request('GET', '/v1/tenants', { token });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.json).toMatchObject({ status: 401, title: 'Unauthorized' });
    }
    const basic = await api.request('GET', '/v1/tenants', { token: null, headers: { authorization: `Basic ${api.adminToken}` } });
    expect(basic.status).toBe(401);
  });

  it('creates, gets, patches and lists a tenant', async () => {
    const name = randomName('acme');
    const created = await api.request('POST', '/v1/tenants', {
      body: { name, displayName: 'Acme Corp', labels: { tier: 'gold' }, quota: { maxWorkspaces: 10 } },
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name,
      displayName: 'Acme Corp',
      labels: { tier: 'gold' },
      phase: 'Active',
      quota: { maxWorkspaces: 10, maxObjectsPerWorkspace: null, maxStorageBytesPerWorkspace: null, maxRequestsPerSecondPerWorkspace: null },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      updatedAt: expect.stringMatching(/Z$/),
    });

    const got = await api.request('GET', `/v1/tenants/${name}`);
    expect(got.status).toBe(200);
    expect(got.json).toEqual(created.json);

    const patched = await api.request('PATCH', `/v1/tenants/${name}`, {
      body: { displayName: 'Acme', labels: { tier: 'silver' }, quota: { maxObjectsPerWorkspace: 5 } },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({
      displayName: 'Acme',
      labels: { tier: 'silver' },
      quota: { maxWorkspaces: 10, maxObjectsPerWorkspace: 5 },
    });

    const nullLabels = await api.request('PATCH', `/v1/tenants/${name}`, { body: { labels: null } });
    expect(nullLabels.status).toBe(422);
    expect(nullLabels.json.errors[0].field).toBe('labels');
    const cleared = await api.request('PATCH', `/v1/tenants/${name}`, { body: { displayName: null } });
    expect(cleared.json.displayName).toBeNull();

    const quota = await api.request('GET', `/v1/tenants/${name}/quota`);
    expect(quota.json).toEqual({ maxWorkspaces: 10, maxObjectsPerWorkspace: 5, maxStorageBytesPerWorkspace: null, maxRequestsPerSecondPerWorkspace: null });
    const put = await api.request('PUT', `/v1/tenants/${name}/quota`, { body: { maxWorkspaces: 1, maxStorageBytesPerWorkspace: 1073741824 } });
    expect(put.status).toBe(200);
    expect(put.json).toEqual({ maxWorkspaces: 1, maxObjectsPerWorkspace: null, maxStorageBytesPerWorkspace: 1073741824, maxRequestsPerSecondPerWorkspace: null });
    expect((await api.request('PUT', `/v1/tenants/${name}/quota`, { body: { maxWorkspaces: -1 } })).status).toBe(422);

    // The quota is enforced on workspace creation.
    expect((await api.request('POST', `/v1/tenants/${name}/workspaces`, { body: { name: 'one' } })).status).toBe(202);
    const over = await api.request('POST', `/v1/tenants/${name}/workspaces`, { body: { name: 'two' } });
    expect(over.status).toBe(422);
    expect(over.json.code).toBe('QUOTA_EXCEEDED');
  });

  it('409 on a duplicate name', async () => {
    const name = randomName('dup');
    expect((await api.request('POST', '/v1/tenants', { body: { name } })).status).toBe(201);
    const again = await api.request('POST', '/v1/tenants', { body: { name } });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ status: 409, code: 'TENANT_NAME_TAKEN' });
    expect(again.json.detail).toContain(name);
  });

  it.each([
    ['missing', {}],
    ['empty', { name: '' }],
    ['upper case', { name: 'Acme' }],
    ['leading dash', { name: '-acme' }],
    ['too long', { name: 'a'.repeat(64) }],
    ['not a string', { name: 42 }],
  ])('422 for a %s name, naming the field', async (_, body) => {
    const res = await api.request('POST', '/v1/tenants', { body });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.json).toMatchObject({ type: expect.any(String), title: expect.any(String), status: 422, detail: expect.any(String) });
    expect(res.json.errors).toEqual(expect.arrayContaining([{ field: 'name', message: expect.any(String) }]));
  });

  it('422 for invalid labels and quota values', async () => {
    const labels = await api.request('POST', '/v1/tenants', { body: { name: randomName(), labels: { 'bad key!': 'x' } } });
    expect(labels.status).toBe(422);
    expect(labels.json.errors[0].field).toBe('labels');
    const quota = await api.request('POST', '/v1/tenants', { body: { name: randomName(), quota: { maxWorkspaces: 'ten' } } });
    expect(quota.status).toBe(422);
    expect(quota.json.errors[0].field).toBe('quota.maxWorkspaces');
  });

  it('404 for an unknown tenant', async () => {
    const res = await api.request('GET', `/v1/tenants/${randomName('nope')}`);
    expect(res.status).toBe(404);
    expect(res.json.code).toBe('TENANT_NOT_FOUND');
    expect((await api.request('PATCH', `/v1/tenants/${randomName('nope')}`, { body: {} })).status).toBe(404);
    expect((await api.request('DELETE', `/v1/tenants/${randomName('nope')}`)).status).toBe(404);
    expect((await api.request('GET', `/v1/operations/not-a-uuid`)).status).toBe(404);
    expect((await api.request('GET', `/v1/operations/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
  });

  it('paginates by name with an opaque cursor and filters by labelSelector', async () => {
    const group = randomName('g');
    const names = ['a', 'b', 'c', 'd', 'e'].map((s) => `${group}-${s}`);
    for (const [i, name] of names.entries()) {
      const res = await api.request('POST', '/v1/tenants', { body: { name, labels: { group, tier: i % 2 === 0 ? 'gold' : 'silver' } } });
      expect(res.status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `labelSelector=group%3D${group}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await api.request('GET', `/v1/tenants?${query}`);
      expect(res.status).toBe(200);
      expect(res.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.json.items.map((t: { name: string }) => t.name));
      cursor = res.json.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(names);

    const gold = await api.request('GET', `/v1/tenants?labelSelector=${encodeURIComponent(`group=${group},tier=gold`)}`);
    expect(gold.json.items.map((t: { name: string }) => t.name)).toEqual([names[0], names[2], names[4]]);
    expect(gold.json.nextCursor).toBeNull();
  });

  it('400 for a bad limit, cursor or labelSelector', async () => {
    for (const q of ['limit=0', 'limit=501', 'limit=abc', 'limit=1.5', 'cursor=garbage', 'cursor=%21%21', 'labelSelector=tier', 'labelSelector=tier!=gold', 'unknownParam=1']) {
      const res = await api.request('GET', `/v1/tenants?${q}`);
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect((await api.request('GET', '/v1/tenants?limit=500')).status).toBe(200);
  });

  it('delete: 202 DeleteTenant operation, phase Deleting, a repeat returns the same operation', async () => {
    const name = randomName('del');
    await api.request('POST', '/v1/tenants', { body: { name } });
    const del = await api.request('DELETE', `/v1/tenants/${name}`);
    expect(del.status).toBe(202);
    expect(del.json).toMatchObject({ type: 'DeleteTenant', tenant: name, workspace: null, status: 'Queued', attempts: 0 });
    expect((await api.request('GET', `/v1/tenants/${name}`)).json.phase).toBe('Deleting');
    const again = await api.request('DELETE', `/v1/tenants/${name}`);
    expect(again.json.id).toBe(del.json.id);
    const ops = await api.request('GET', `/v1/tenants/${name}/operations`);
    expect(ops.json).toEqual({ items: [del.json], nextCursor: null });
  });
});
