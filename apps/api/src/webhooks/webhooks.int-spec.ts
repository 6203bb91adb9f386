import { SecretBox } from '@kplane/control';
import { ApiHarness, ApiSuite, randomName, useApiSuite } from '../testing/api-harness';

describe('webhooks API', () => {
  const suite = useApiSuite();
  let api: ApiHarness;
  let pool: ApiSuite['pg'];
  beforeAll(() => {
    api = suite.api;
    pool = suite.pg;
  });

  it('creates (secret once, stored encrypted), lists scoped and paginated, deletes, and validates', async () => {
    const a = randomName('wha');
    const b = randomName('whb');
    await api.request('POST', '/v1/tenants', { body: { name: a } });
    await api.request('POST', '/v1/tenants', { body: { name: b } });
    const keyA = (await api.request('POST', `/v1/tenants/${a}/api-keys`, { body: { name: 'k' } })).json.token as string;

    const global = await api.request('POST', '/v1/webhooks', { body: { url: 'https://hooks.example.com/all', events: ['workspace.provisioned', 'usage.sampled'] } });
    expect(global.status).toBe(201);
    expect(global.json).toMatchObject({ url: 'https://hooks.example.com/all', events: ['workspace.provisioned', 'usage.sampled'], tenant: null });
    expect(global.json.secret).toMatch(/^whsec_/);
    const stored = await pool.query(`SELECT secret_encrypted FROM kplane.webhooks WHERE id = $1`, [global.json.id]);
    expect(stored.rows[0].secret_encrypted).not.toContain(global.json.secret);
    expect(new SecretBox(api.config.masterKey).decrypt(stored.rows[0].secret_encrypted)).toBe(global.json.secret);

    const ownA = await api.request('POST', '/v1/webhooks', { token: keyA, body: { url: 'https://a.example.com/h', events: ['workspace.failed'] } });
    expect(ownA.status).toBe(201);
    expect(ownA.json.tenant).toBe(a);
    const ownA2 = await api.request('POST', '/v1/webhooks', { token: keyA, body: { url: 'https://a.example.com/h2', events: ['workspace.deleted'], tenant: a } });
    expect(ownA2.status).toBe(201);
    const forB = await api.request('POST', '/v1/webhooks', { body: { url: 'https://b.example.com/h', events: ['quota.exceeded'], tenant: b } });
    expect(forB.json.tenant).toBe(b);

    // Validation: https only (422), known events, unknown fields (400), another tenant (404).
    const http = await api.request('POST', '/v1/webhooks', { body: { url: 'http://insecure.example.com/h', events: ['workspace.failed'] } });
    expect(http.status).toBe(422);
    expect(http.headers.get('content-type')).toMatch(/problem\+json/);
    expect(http.json.errors).toEqual([expect.objectContaining({ field: 'url' })]);
    expect((await api.request('POST', '/v1/webhooks', { body: { url: 'not a url', events: ['workspace.failed'] } })).status).toBe(422);
    expect((await api.request('POST', '/v1/webhooks', { body: { url: 'https://x.example.com', events: ['workspace.exploded'] } })).status).toBe(422);
    expect((await api.request('POST', '/v1/webhooks', { body: { url: 'https://x.example.com', events: [] } })).status).toBe(422);
    expect((await api.request('POST', '/v1/webhooks', { body: { url: 'https://x.example.com', events: ['workspace.failed'], extra: 1 } })).status).toBe(400);
    expect((await api.request('POST', '/v1/webhooks', { token: keyA, body: { url: 'https://x.example.com', events: ['workspace.failed'], tenant: b } })).status).toBe(404);

    // Tenant key: only its tenant's webhooks.
    const listA = await api.request('GET', '/v1/webhooks', { token: keyA });
    expect(listA.status).toBe(200);
    expect(listA.json.items.map((w: { id: string }) => w.id).sort()).toEqual([ownA.json.id, ownA2.json.id].sort());
    expect(listA.json.items.every((w: { secret?: string }) => w.secret === undefined)).toBe(true);
    expect((await api.request('GET', `/v1/webhooks/${forB.json.id}`, { token: keyA })).status).toBe(404);
    expect((await api.request('GET', `/v1/webhooks/${global.json.id}/deliveries`, { token: keyA })).status).toBe(404);
    expect((await api.request('DELETE', `/v1/webhooks/${forB.json.id}`, { token: keyA })).status).toBe(404);

    // Admin: everything, newest first, paginated.
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await api.request('GET', `/v1/webhooks?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      ids.push(...page.json.items.map((w: { id: string }) => w.id));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(ids).toEqual([forB.json.id, ownA2.json.id, ownA.json.id, global.json.id]);
    expect((await api.request('GET', '/v1/webhooks?cursor=garbage!')).status).toBe(400);

    // Delivery log (written by the worker; inserted here).
    const eventId = '00000000-0000-4000-8000-000000000001';
    await pool.query(`INSERT INTO kplane.webhook_events (id, type, tenant_id, payload, fanned_out_at) VALUES ($1, 'workspace.failed', (SELECT tenant_id FROM kplane.webhooks WHERE id = $2), '{}', now())`, [eventId, ownA.json.id]);
    await pool.query(`INSERT INTO kplane.webhook_deliveries (id, event_id, webhook_id, status, attempts) VALUES (gen_random_uuid(), $1, $2, 'Delivered', 2)`, [eventId, ownA.json.id]);
    await pool.query(
      `INSERT INTO kplane.webhook_delivery_attempts (delivery_id, webhook_id, event_id, event_type, attempt, status_code, error, started_at)
       SELECT id, webhook_id, event_id, 'workspace.failed', n, CASE n WHEN 1 THEN 503 ELSE 200 END, CASE n WHEN 1 THEN 'receiver answered 503' END, now() - make_interval(secs => 10 - n)
         FROM kplane.webhook_deliveries, generate_series(1, 2) n WHERE webhook_id = $1`,
      [ownA.json.id],
    );
    const log = await api.request('GET', `/v1/webhooks/${ownA.json.id}/deliveries?limit=1`, { token: keyA });
    expect(log.status).toBe(200);
    expect(log.json.items).toEqual([expect.objectContaining({ eventId, eventType: 'workspace.failed', attempt: 2, statusCode: 200, error: null, deliveryStatus: 'Delivered' })]);
    const rest = await api.request('GET', `/v1/webhooks/${ownA.json.id}/deliveries?limit=1&cursor=${log.json.nextCursor}`, { token: keyA });
    expect(rest.json.items).toEqual([expect.objectContaining({ attempt: 1, statusCode: 503, error: 'receiver answered 503' })]);
    expect(rest.json.nextCursor).toBeNull();

    expect((await api.request('DELETE', `/v1/webhooks/${ownA.json.id}`, { token: keyA })).status).toBe(204);
    expect((await api.request('DELETE', `/v1/webhooks/${ownA.json.id}`, { token: keyA })).status).toBe(404);
    expect((await api.request('GET', '/v1/webhooks/not-a-uuid')).status).toBe(404);
  });
});
