import { Client } from 'pg';
import { ApiHarness, randomName, useApiSuite } from '../testing/api-harness';

describe('Idempotency-Key on POST', () => {
  const suite = useApiSuite();
  let api: ApiHarness;
  let pg: Client;
  beforeAll(() => {
    ({ api, pg } = suite);
  });

  const key = () => `key-${randomName()}`;

  it('replays a tenant create with the same key and body (same status and ids)', async () => {
    const k = key();
    const body = { name: randomName('idem'), labels: { a: 'b' } };
    const first = await api.request('POST', '/v1/tenants', { body, headers: { 'idempotency-key': k } });
    expect(first.status).toBe(201);
    // Same body with keys in another order is the same request.
    const second = await api.request('POST', '/v1/tenants', { rawBody: JSON.stringify({ labels: { a: 'b' }, name: body.name }), headers: { 'idempotency-key': k } });
    expect(second.status).toBe(201);
    expect(second.json).toEqual(first.json);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
  });

  it('replays a workspace create including Location, and creates only one workspace and one job', async () => {
    const tenant = randomName('idem');
    await api.request('POST', '/v1/tenants', { body: { name: tenant } });
    const k = key();
    const first = await api.request('POST', `/v1/tenants/${tenant}/workspaces`, { body: { name: 'dev' }, headers: { 'idempotency-key': k } });
    expect(first.status).toBe(202);
    const second = await api.request('POST', `/v1/tenants/${tenant}/workspaces`, { body: { name: 'dev' }, headers: { 'idempotency-key': k } });
    expect(second.status).toBe(202);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(second.json.workspace.id).toBe(first.json.workspace.id);
    expect(second.json.operation.id).toBe(first.json.operation.id);
    const { rows } = await pg.query(`SELECT count(*)::int AS n FROM kplane.operations WHERE tenant_name = $1`, [tenant]);
    expect(rows[0].n).toBe(1);
  });

  it('the same key with a different body is 422', async () => {
    const k = key();
    expect((await api.request('POST', '/v1/tenants', { body: { name: randomName() }, headers: { 'idempotency-key': k } })).status).toBe(201);
    const other = await api.request('POST', '/v1/tenants', { body: { name: randomName() }, headers: { 'idempotency-key': k } });
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(other.json.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('a failed request does not consume the key', async () => {
    const k = key();
    const bad = await api.request('POST', '/v1/tenants', { body: { name: 'Bad Name' }, headers: { 'idempotency-key': k } });
    expect(bad.status).toBe(422);
    const name = randomName();
    const good = await api.request('POST', '/v1/tenants', { body: { name }, headers: { 'idempotency-key': k } });
    expect(good.status).toBe(201);
  });

  it('concurrent requests with one key produce one tenant and the same answer', async () => {
    const k = key();
    const body = { name: randomName('race') };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => api.request('POST', '/v1/tenants', { body, headers: { 'idempotency-key': k } })),
    );
    for (const a of answers) {
      expect(a.status).toBe(201);
      expect(a.json.id).toBe(answers[0]!.json.id);
    }
  });

  it('keys are remembered for 24 hours only', async () => {
    const k = key();
    const first = await api.request('POST', '/v1/tenants', { body: { name: randomName() }, headers: { 'idempotency-key': k } });
    expect(first.status).toBe(201);
    await pg.query(`UPDATE kplane.idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`, [k]);
    const later = await api.request('POST', '/v1/tenants', { body: { name: randomName() }, headers: { 'idempotency-key': k } });
    expect(later.status).toBe(201);
    expect(later.json.id).not.toBe(first.json.id);
  });

  it('an unusable key is 400', async () => {
    const res = await api.request('POST', '/v1/tenants', { body: { name: randomName() }, headers: { 'idempotency-key': 'x'.repeat(300) } });
    expect(res.status).toBe(400);
  });
});
