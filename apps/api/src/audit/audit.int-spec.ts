import { AuditWriter } from '@kplane/control';
import { createTestDatabase, TestDatabase } from '@kplane/testing';
import { Pool } from 'pg';
import { ApiHarness, randomName, startApi } from '../testing/api-harness';
import { AuditRecorder } from './audit-recorder';

describe('audit log', () => {
  let db: TestDatabase;
  let api: ApiHarness;
  let pool: Pool;
  const settle = async () => {
    await new Promise((r) => setTimeout(r, 20));
    await api.app.get(AuditRecorder).settle();
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startApi(db.url);
    pool = new Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined); // idle clients die when the test database is dropped
  });

  afterAll(async () => {
    await pool?.end();
    await api?.close();
    await db?.drop();
  });

  it('records every change, success and failure, never secrets, readable with filters and pagination', async () => {
    const tenant = randomName('aud');
    const created = await api.request('POST', '/v1/tenants', { body: { name: tenant }, headers: { 'user-agent': 'kplane-test/1 ' + 'x'.repeat(1000), 'x-request-id': 'req-audit-1' } });
    const tenantId = created.json.id;
    const key = await api.request('POST', `/v1/tenants/${tenant}/api-keys`, { body: { name: 'ci' } });
    const ws = await api.request('POST', `/v1/tenants/${tenant}/workspaces`, { body: { name: 'dev' }, token: key.json.token });
    expect(ws.status).toBe(202);
    const dupWs = await api.request('POST', `/v1/tenants/${tenant}/workspaces`, { body: { name: 'dev' }, token: key.json.token });
    expect(dupWs.status).toBe(409);
    expect((await api.request('PUT', `/v1/tenants/${tenant}/quota`, { body: { maxWorkspaces: 3 }, token: key.json.token })).status).toBe(403);
    expect((await api.request('POST', '/v1/tenants', { body: { name: 'x' }, token: 'wrong-token-wrong-token' })).status).toBe(401);
    expect((await api.request('GET', `/v1/tenants/${tenant}`)).status).toBe(200); // reads are not audited
    await settle();

    const all = await api.request('GET', `/v1/audit?tenant=${tenant}&limit=500`);
    expect(all.status).toBe(200);
    const events = all.json.items as { verb: string; resource: string; statusCode: number; outcome: string; actor: { kind: string; id: string }; name: string; workspaceId: string | null; tenantId: string; requestId: string; userAgent: string; details: Record<string, unknown>; at: string }[];
    // Newest first.
    expect(events.map((e) => `${e.verb} ${e.resource} ${e.statusCode} ${e.outcome} ${e.actor.kind}`)).toEqual([
      'PUT /v1/tenants/:tenant/quota 403 failure api-key',
      'POST /v1/tenants/:tenant/workspaces 409 failure api-key',
      'POST /v1/tenants/:tenant/workspaces 202 success api-key',
      'POST /v1/tenants/:tenant/api-keys 201 success admin',
      'POST /v1/tenants 201 success admin',
    ]);
    expect(events.every((e) => e.tenantId === tenantId)).toBe(true);
    expect(events[2]).toMatchObject({ name: 'dev', workspaceId: ws.json.workspace.id, actor: { kind: 'api-key', id: key.json.id } });
    expect(events[1]!.details).toMatchObject({ errorCode: 'WORKSPACE_NAME_TAKEN', tenant, workspace: 'dev' });
    expect(events[3]).toMatchObject({ name: 'ci', details: { apiKeyId: key.json.id } });
    expect(events[4]).toMatchObject({ requestId: 'req-audit-1', name: tenant, actor: { kind: 'admin', id: 'admin' } });
    expect(events[4]!.userAgent.length).toBe(256);
    expect(new Date(events[0]!.at).getTime()).toBeGreaterThanOrEqual(new Date(events[4]!.at).getTime());

    // Tokens appear nowhere in the table.
    const dump = (await pool.query(`SELECT row_to_json(a)::text AS t FROM kplane.audit_events a`)).rows.map((r) => r.t).join('\n');
    expect(dump).not.toContain(key.json.token);
    expect(dump).not.toContain(api.adminToken);
    expect(dump).not.toContain('wrong-token-wrong-token');
    expect(dump).not.toMatch(/kpk_[A-Za-z0-9_-]{8}/);
    expect(dump).toContain('"actor_kind":"anonymous"');

    // Filters.
    const names = async (q: string) => ((await api.request('GET', `/v1/audit?${q}`)).json.items as typeof events).map((e) => `${e.verb} ${e.statusCode}`);
    expect(await names(`tenant=${tenantId}&outcome=failure`)).toEqual(['PUT 403', 'POST 409']);
    expect(await names(`tenant=${tenant}&actor=${key.json.id}&outcome=success`)).toEqual(['POST 202']);
    expect(await names(`tenant=${tenant}&workspace=dev`)).toEqual(['POST 409', 'POST 202']);
    expect(await names(`workspace=${ws.json.workspace.id}`)).toEqual(['POST 409', 'POST 202']);
    expect(await names(`tenant=${tenant}&source=kubernetes`)).toEqual([]);
    expect(await names(`tenant=${randomName('none')}`)).toEqual([]);
    const mid = events[2]!.at;
    expect(await names(`tenant=${tenant}&from=${encodeURIComponent(mid)}`)).toHaveLength(3);
    expect(await names(`tenant=${tenant}&to=${encodeURIComponent(mid)}`)).toHaveLength(2);
    expect(await names(`tenant=${tenant}&from=2000-01-01T00:00:00%2B02:00&to=2999-01-01T00:00:00Z`)).toHaveLength(5);

    // Pagination: 2 at a time, newest first, no overlap.
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await api.request('GET', `/v1/audit?tenant=${tenant}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.json.items.map((e: { id: string }) => e.id));
      cursor = res.json.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(events.map((e) => (e as unknown as { id: string }).id));

    // The unauthenticated attempt is there too.
    const anon = await api.request('GET', '/v1/audit?outcome=failure&limit=500');
    expect(anon.json.items.some((e: { actor: { kind: string }; statusCode: number }) => e.actor.kind === 'anonymous' && e.statusCode === 401)).toBe(true);
  });

  it('400 problem+json on bad filters; 403 for tenant keys', async () => {
    for (const q of ['from=yesterday', 'to=2024-01-01', 'from=2024-13-45T00:00:00Z', 'source=ftp', 'outcome=maybe', 'limit=0', 'cursor=abc', 'workspace=dev', 'bogus=1', 'from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z']) {
      const res = await api.request('GET', `/v1/audit?${q}`);
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    const tenant = randomName('aud403');
    await api.request('POST', '/v1/tenants', { body: { name: tenant } });
    const key = await api.request('POST', `/v1/tenants/${tenant}/api-keys`, { body: { name: 'k' } });
    const res = await api.request('GET', `/v1/audit?tenant=${tenant}`, { token: key.json.token });
    expect(res.status).toBe(403);
    expect(res.json.code).toBe('ADMIN_ONLY');
  });

  it('AuditWriter: works on a pg Pool, batches with enqueue, drops secret-looking details, purges by date', async () => {
    const writer = new AuditWriter(pool, { flushIntervalMs: 10 });
    const workspaceId = '11111111-1111-4111-8111-111111111111';
    await writer.record({
      at: new Date('2020-01-01T00:00:00Z'),
      actorKind: 'workspace-user',
      actorId: 'system:admin',
      workspaceId,
      source: 'kubernetes',
      verb: 'create',
      resource: 'configmaps',
      name: 'cm\u0000x',
      statusCode: 201,
      details: { namespace: 'default', token: 'kpw_secret', nested: { password: 'p', ok: 1 } },
    });
    for (let i = 0; i < 5; i++) writer.enqueue({ actorKind: 'workspace-user', actorId: 'u', workspaceId, source: 'kubernetes', verb: 'delete', resource: 'pods', name: `p${i}`, statusCode: i < 4 ? 200 : 404 });
    await writer.flush();
    const rows = (await pool.query(`SELECT * FROM kplane.audit_events WHERE workspace_id = $1 ORDER BY at, name`, [workspaceId])).rows;
    expect(rows).toHaveLength(6);
    expect(rows[0]).toMatchObject({ actor_kind: 'workspace-user', source: 'kubernetes', outcome: 'success', name: 'cmx', details: { namespace: 'default', nested: { ok: 1 } } });
    expect(rows.filter((r) => r.outcome === 'failure')).toHaveLength(1);
    const k8s = await api.request('GET', `/v1/audit?source=kubernetes&workspace=${workspaceId}&actor=u`);
    expect(k8s.json.items).toHaveLength(5);
    expect(await writer.purgeBefore(new Date('2021-01-01T00:00:00Z'))).toBeGreaterThanOrEqual(1);
    expect((await pool.query(`SELECT count(*)::int AS n FROM kplane.audit_events WHERE workspace_id = $1`, [workspaceId])).rows[0].n).toBe(5);
    await writer.close();
  });
});
