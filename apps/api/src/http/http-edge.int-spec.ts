import { createTestDatabase, TestDatabase } from '@kplane/testing';
import { Client } from 'pg';
import { ApiHarness, randomName, startApi } from '../testing/api-harness';

const expectProblem = (res: { status: number; headers: Headers; json: any }, status: number) => { // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.json).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
};

describe('HTTP edge: problem+json, limits, health, metrics, docs', () => {
  let db: TestDatabase;
  let api: ApiHarness;

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startApi(db.url);
  });

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('malformed JSON is 400 problem+json', async () => {
    const res = await api.request('POST', '/v1/tenants', { rawBody: '{"name": ' });
    expectProblem(res, 400);
  });

  it('a JSON array or scalar body is 400', async () => {
    expectProblem(await api.request('POST', '/v1/tenants', { rawBody: '[{"name":"x"}]' }), 400);
    expectProblem(await api.request('POST', '/v1/tenants', { rawBody: '"x"' }), 400);
  });

  it('unknown body fields are 400 naming the field', async () => {
    const res = await api.request('POST', '/v1/tenants', { body: { name: randomName(), colour: 'blue' } });
    expectProblem(res, 400);
    expect(res.json.errors).toEqual([{ field: 'colour', message: expect.stringContaining('colour') }]);
    const nested = await api.request('POST', '/v1/tenants', { body: { name: randomName(), quota: { maxPods: 1 } } });
    expectProblem(nested, 400);
    expect(nested.json.errors).toEqual([{ field: 'quota.maxPods', message: expect.any(String) }]);
  });

  it('a body over 1 MiB is 413 problem+json', async () => {
    const res = await api.request('POST', '/v1/tenants', { rawBody: JSON.stringify({ name: 'big', displayName: 'x'.repeat(1024 * 1024 + 10) }) });
    expectProblem(res, 413);
  });

  it('a non-JSON body is 415', async () => {
    expectProblem(await api.request('POST', '/v1/tenants', { rawBody: 'name=x', headers: { 'content-type': 'text/plain' } }), 415);
  });

  it('an unknown route is 404 problem+json, with or without a token', async () => {
    expectProblem(await api.request('GET', '/v1/nothing-here'), 404);
    expectProblem(await api.request('GET', '/nothing', { token: null }), 404);
    expectProblem(await api.request('PUT', '/v1/tenants'), 404);
  });

  it('healthz and readyz answer without a token', async () => {
    const health = await api.request('GET', '/healthz', { token: null });
    expect(health.status).toBe(200);
    const ready = await api.request('GET', '/readyz', { token: null });
    expect(ready.status).toBe(200);
    expect(ready.json).toMatchObject({ checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('metrics count requests by route template, without tenant names', async () => {
    const name = randomName('metrics');
    await api.request('POST', '/v1/tenants', { body: { name } });
    await api.request('GET', `/v1/tenants/${name}`);
    const res = await api.request('GET', '/metrics', { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/kplane_api_http_requests_total\{[^}]*route="\/v1\/tenants\/:tenant"[^}]*status="200"/);
    expect(res.text).toContain('kplane_api_http_request_duration_seconds_bucket');
    expect(res.text).not.toContain(name);
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const doc = await api.request('GET', '/openapi.json', { token: null });
    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining(['/v1/tenants', '/v1/tenants/{tenant}', '/v1/tenants/{tenant}/workspaces', '/v1/tenants/{tenant}/workspaces/{workspace}/kubeconfig', '/v1/operations/{id}']),
    );
    const ui = await api.request('GET', '/docs', { token: null });
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('requests queued for a pooled connection for more than 5 s are still served', async () => {
    expect((await api.request('GET', '/v1/tenants')).status).toBe(200);
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      // Every request that reads tenants now holds one of the API's 10 connections while it waits
      // for the lock; the four beyond them wait for a connection instead, for as long as the lock is held.
      await admin.query('BEGIN');
      await admin.query('LOCK TABLE kplane.tenants IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const answers = Array.from({ length: 14 }, () => api.request('GET', '/v1/tenants'));
      await new Promise((r) => setTimeout(r, 7000));
      await admin.query('COMMIT');
      const statuses = (await Promise.all(answers)).map((a) => a.status);
      expect(Date.now() - started).toBeGreaterThanOrEqual(7000);
      expect(statuses).toEqual(Array.from({ length: 14 }, () => 200));
    } finally {
      await admin.query('ROLLBACK').catch(() => undefined);
      await admin.end();
    }
  }, 30_000);
});

describe('HTTP edge: PostgreSQL unavailable', () => {
  it('answers 503 problem+json and readyz 503 when the database is gone', async () => {
    const db = await createTestDatabase();
    const api = await startApi(db.url);
    const admin = new Client({ connectionString: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    const hidden = `${db.name}_away`;
    try {
      // Closed to new connections first: the API's pools and its LISTEN connection reconnect at
      // once, and one of them could slip in between the terminate and the rename.
      await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [db.name]);
      await admin.query(`ALTER DATABASE ${db.name} RENAME TO ${hidden}`);
      const res = await api.request('GET', '/v1/tenants');
      expectProblem(res, 503);
      const create = await api.request('POST', '/v1/tenants', { body: { name: randomName() } });
      expectProblem(create, 503);
      const ready = await api.request('GET', '/readyz', { token: null });
      expectProblem(ready, 503);
      expect(ready.json.checks).toMatchObject({ postgres: 'unavailable', redis: 'ok' });
    } finally {
      await admin.query(`ALTER DATABASE ${hidden} RENAME TO ${db.name}`).catch(() => undefined);
      await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin.end();
      await api.close();
      await db.drop();
    }
  });
});
