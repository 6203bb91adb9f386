import { createTestDatabase, TestDatabase } from '@kplane/testing';
import { Client } from 'pg';
import { ApiHarness, randomName, startApi } from '../testing/api-harness';

describe('workspace create while Redis is down', () => {
  let db: TestDatabase;
  let api: ApiHarness;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Nothing listens on port 1: every enqueue fails.
    api = await startApi(db.url, { REDIS_URL: 'redis://127.0.0.1:1' });
  });

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('still answers 202; the operation stays Queued for the sweeper', async () => {
    const tenant = randomName('nored');
    expect((await api.request('POST', '/v1/tenants', { body: { name: tenant } })).status).toBe(201);
    const started = Date.now();
    const res = await api.request('POST', `/v1/tenants/${tenant}/workspaces`, { body: { name: 'dev' } });
    expect(res.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.json.operation.status).toBe('Queued');
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      const { rows } = await pg.query(`SELECT status FROM kplane.operations WHERE id = $1`, [res.json.operation.id]);
      expect(rows).toEqual([{ status: 'Queued' }]);
    } finally {
      await pg.end();
    }
    const ready = await api.request('GET', '/readyz', { token: null });
    expect(ready.status).toBe(503);
    expect(ready.json.checks).toMatchObject({ postgres: 'ok', redis: 'unavailable' });
  });
});
