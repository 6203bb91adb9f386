import { Queue } from 'bullmq';
import { Client } from 'pg';
import { ApiHarness, randomName, useApiSuite } from '../testing/api-harness';

describe('workspaces API', () => {
  const suite = useApiSuite();
  let api: ApiHarness;
  let pg: Client;
  beforeAll(() => {
    ({ api, pg } = suite);
  });

  async function tenant(): Promise<string> {
    const name = randomName('acme');
    const res = await api.request('POST', '/v1/tenants', { body: { name } });
    expect(res.status).toBe(201);
    return name;
  }

  it('re-posting a workspace whose provisioning failed retries it with a new operation', async () => {
    const t = await tenant();
    const first = await api.request('POST', `/v1/tenants/${t}/workspaces`, { body: { name: 'flaky' } });
    expect(first.status).toBe(202);
    await pg.query(`UPDATE kplane.workspaces SET phase = 'Failed', message = 'boom' WHERE id = $1`, [first.json.workspace.id]);
    await pg.query(`UPDATE kplane.operations SET status = 'Failed' WHERE id = $1`, [first.json.operation.id]);
    const again = await api.request('POST', `/v1/tenants/${t}/workspaces`, { body: { name: 'flaky' } });
    expect(again.status).toBe(202);
    expect(again.json.workspace).toMatchObject({ id: first.json.workspace.id, phase: 'Pending' });
    expect(again.json.operation).toMatchObject({ type: 'ProvisionWorkspace', status: 'Queued' });
    expect(again.json.operation.id).not.toBe(first.json.operation.id);
    // A workspace that did not fail is still a conflict.
    await pg.query(`UPDATE kplane.workspaces SET phase = 'Ready' WHERE id = $1`, [first.json.workspace.id]);
    expect((await api.request('POST', `/v1/tenants/${t}/workspaces`, { body: { name: 'flaky' } })).status).toBe(409);
  });

  it('creates a workspace: 202, Location, Pending workspace, Queued operation, job in Redis', async () => {
    const t = await tenant();
    const res = await api.request('POST', `/v1/tenants/${t}/workspaces`, { body: { name: 'dev', labels: { env: 'dev' } } });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/v1/tenants/${t}/workspaces/dev`);
    const { workspace, operation } = res.json;
    expect(workspace).toMatchObject({
      tenant: t,
      name: 'dev',
      displayName: null,
      labels: { env: 'dev' },
      phase: 'Pending',
      shard: 'default',
      readyAt: null,
      endpoint: `https://kplane.test:6443/clusters/${workspace.id}`,
    });
    expect(typeof workspace.message).toBe('string');
    expect(new Date(workspace.createdAt).toISOString()).toBe(workspace.createdAt);
    expect(operation).toMatchObject({
      type: 'ProvisionWorkspace',
      tenant: t,
      workspace: 'dev',
      status: 'Queued',
      attempts: 0,
      error: null,
      startedAt: null,
      finishedAt: null,
    });

    const queue = new Queue('workspace-lifecycle', { connection: { url: api.config.env.REDIS_URL }, prefix: api.queuePrefix });
    try {
      const job = await queue.getJob(operation.id);
      expect(job).toBeDefined();
      expect(job!.id).toBe(operation.id);
      expect(job!.name).toBe('ProvisionWorkspace');
      expect(job!.data).toEqual({ operationId: operation.id });
    } finally {
      await queue.close();
    }

    const op = await api.request('GET', `/v1/operations/${operation.id}`);
    expect(op.status).toBe(200);
    expect(op.json).toEqual(operation);
  });

  it('rejects a duplicate name (409), an unknown tenant (404) and a bad name (422)', async () => {
    const t = await tenant();
    expect((await api.request('POST', `/v1/tenants/${t}/workspaces`, { body: { name: 'dup' } })).status).toBe(202);
    const dup = await api.request('POST', `/v1/tenants/${t}/workspaces`, { body: { name: 'dup' } });
    expect(dup.status).toBe(409);
    expect(dup.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const unknown = await api.request('POST', `/v1/tenants/nope-${randomName()}/workspaces`, { body: { name: 'dev' } });
    expect(unknown.status).toBe(404);
    const bad = await api.request('POST', `/v1/tenants/${t}/workspaces`, { body: { name: 'Not_A_Label' } });
    expect(bad.status).toBe(422);
    expect(bad.json.errors).toEqual([expect.objectContaining({ field: 'name' })]);
  });

  it('lists workspaces with pagination', async () => {
    const t = await tenant();
    for (const n of ['a', 'b', 'c']) {
      expect((await api.request('POST', `/v1/tenants/${t}/workspaces`, { body: { name: n } })).status).toBe(202);
    }
    const first = await api.request('GET', `/v1/tenants/${t}/workspaces?limit=2`);
    expect(first.status).toBe(200);
    expect(first.json.items.map((w: { name: string }) => w.name)).toEqual(['a', 'b']);
    expect(typeof first.json.nextCursor).toBe('string');
    const second = await api.request('GET', `/v1/tenants/${t}/workspaces?limit=2&cursor=${first.json.nextCursor}`);
    expect(second.json.items.map((w: { name: string }) => w.name)).toEqual(['c']);
    expect(second.json.nextCursor).toBeNull();
  });

  it('waitFor=Ready answers at the timeout with the workspace as it is, and early once Ready', async () => {
    const t = await tenant();
    const created = await api.request('POST', `/v1/tenants/${t}/workspaces`, { body: { name: 'w' } });
    const id = created.json.workspace.id;

    const started = Date.now();
    const timedOut = await api.request('GET', `/v1/tenants/${t}/workspaces/w?waitFor=Ready&timeoutSeconds=1`);
    const elapsed = Date.now() - started;
    expect(timedOut.status).toBe(200);
    expect(timedOut.json.phase).toBe('Pending');
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(5000);

    const waiting = api.request('GET', `/v1/tenants/${t}/workspaces/w?waitFor=Ready&timeoutSeconds=20`);
    await new Promise((r) => setTimeout(r, 200));
    const before = Date.now();
    await pg.query(`UPDATE kplane.workspaces SET phase = 'Provisioning' WHERE id = $1`, [id]); // a change, not yet the one awaited
    await new Promise((r) => setTimeout(r, 100));
    await pg.query(`UPDATE kplane.workspaces SET phase = 'Ready', message = 'ready', ready_at = now() WHERE id = $1`, [id]);
    const ready = await waiting;
    expect(ready.status).toBe(200);
    expect(ready.json.phase).toBe('Ready');
    expect(ready.json.readyAt).not.toBeNull();
    // Woken by the change signal: without it the next re-read would come with the 2 s fallback poll.
    expect(Date.now() - before).toBeLessThan(1000);

    const failed = await api.request('POST', `/v1/tenants/${t}/workspaces`, { body: { name: 'f' } });
    await pg.query(`UPDATE kplane.workspaces SET phase = 'Failed', message = 'boom' WHERE id = $1`, [failed.json.workspace.id]);
    const answered = await api.request('GET', `/v1/tenants/${t}/workspaces/f?waitFor=Ready&timeoutSeconds=20`);
    expect(answered.json).toMatchObject({ phase: 'Failed', message: 'boom' });
  });

  it('rejects waitFor with timeoutSeconds over 120 or an unknown waitFor (400)', async () => {
    const t = await tenant();
    await api.request('POST', `/v1/tenants/${t}/workspaces`, { body: { name: 'w' } });
    expect((await api.request('GET', `/v1/tenants/${t}/workspaces/w?waitFor=Ready&timeoutSeconds=121`)).status).toBe(400);
    expect((await api.request('GET', `/v1/tenants/${t}/workspaces/w?waitFor=Ready&timeoutSeconds=abc`)).status).toBe(400);
    expect((await api.request('GET', `/v1/tenants/${t}/workspaces/w?waitFor=Deleted`)).status).toBe(400);
  });

  it('kubeconfig: 409 before Ready, YAML once Ready with CA, token and endpoint', async () => {
    const t = await tenant();
    const created = await api.request('POST', `/v1/tenants/${t}/workspaces`, { body: { name: 'kc' } });
    const { workspace, operation } = created.json;
    const early = await api.request('GET', `/v1/tenants/${t}/workspaces/kc/kubeconfig`);
    expect(early.status).toBe(409);
    expect(early.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    // Simulate the worker: CA row, a credential, phase Ready.
    const { SecretBox, hashToken } = await import('@kplane/control');
    const box = new SecretBox(api.config.masterKey);
    const caPem = '-----BEGIN CERTIFICATE-----\nTUlJQ0ZBS0U=\n-----END CERTIFICATE-----\n';
    await pg.query(`INSERT INTO kplane.cluster_ca (name, cert_pem, key_encrypted) VALUES ('apiserver', $1, 'x') ON CONFLICT DO NOTHING`, [caPem]);
    await pg.query(
      `INSERT INTO kplane.credentials (id, workspace_id, operation_id, token_hash, token_encrypted, created_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, now() - interval '1 hour')`,
      [workspace.id, operation.id, hashToken('kpw_old'), box.encrypt('kpw_old')],
    );
    await pg.query(
      `INSERT INTO kplane.credentials (id, workspace_id, operation_id, token_hash, token_encrypted)
       VALUES (gen_random_uuid(), $1, gen_random_uuid(), $2, $3)`,
      [workspace.id, hashToken('kpw_new'), box.encrypt('kpw_new')],
    );
    await pg.query(`UPDATE kplane.workspaces SET phase = 'Ready', ready_at = now() WHERE id = $1`, [workspace.id]);

    const res = await api.request('GET', `/v1/tenants/${t}/workspaces/kc/kubeconfig`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/yaml/);
    const { load } = await import('js-yaml');
    const kc = load(res.text) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const ctx = `${t}-kc`;
    expect(kc['current-context']).toBe(ctx);
    expect(kc.contexts).toEqual([{ name: ctx, context: { cluster: ctx, user: ctx } }]);
    expect(kc.clusters[0].name).toBe(ctx);
    expect(kc.clusters[0].cluster.server).toBe(workspace.endpoint);
    expect(Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(caPem);
    expect(kc.users).toEqual([{ name: ctx, user: { token: 'kpw_new' } }]);
  });

  it('delete: 202 DeprovisionWorkspace, phase Deleting, repeating returns the same operation', async () => {
    const t = await tenant();
    await api.request('POST', `/v1/tenants/${t}/workspaces`, { body: { name: 'gone' } });
    const first = await api.request('DELETE', `/v1/tenants/${t}/workspaces/gone`);
    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({ type: 'DeprovisionWorkspace', status: 'Queued', workspace: 'gone', tenant: t });
    const again = await api.request('DELETE', `/v1/tenants/${t}/workspaces/gone`);
    expect(again.status).toBe(202);
    expect(again.json.id).toBe(first.json.id);
    const ws = await api.request('GET', `/v1/tenants/${t}/workspaces/gone`);
    expect(ws.json.phase).toBe('Deleting');
    expect((await api.request('DELETE', `/v1/tenants/${t}/workspaces/nope`)).status).toBe(404);
  });

  it('suspend/resume/rotate record operations; suspend before Ready is 409', async () => {
    const t = await tenant();
    const created = await api.request('POST', `/v1/tenants/${t}/workspaces`, { body: { name: 's' } });
    expect((await api.request('POST', `/v1/tenants/${t}/workspaces/s/suspend`)).status).toBe(409);
    await pg.query(`UPDATE kplane.workspaces SET phase = 'Ready', ready_at = now() WHERE id = $1`, [created.json.workspace.id]);
    for (const [path, type] of [
      ['suspend', 'SuspendWorkspace'],
      ['resume', 'ResumeWorkspace'],
      ['credentials/rotate', 'RotateCredentials'],
    ] as const) {
      const res = await api.request('POST', `/v1/tenants/${t}/workspaces/s/${path}`);
      expect(res.status).toBe(202);
      expect(res.json).toMatchObject({ type, status: 'Queued', workspace: 's' });
    }
    const ops = await api.request('GET', `/v1/tenants/${t}/operations?limit=2`);
    expect(ops.status).toBe(200);
    expect(ops.json.items.map((o: { type: string }) => o.type)).toEqual(['RotateCredentials', 'ResumeWorkspace']);
    const rest = await api.request('GET', `/v1/tenants/${t}/operations?limit=2&cursor=${ops.json.nextCursor}`);
    expect(rest.json.items.map((o: { type: string }) => o.type)).toEqual(['SuspendWorkspace', 'ProvisionWorkspace']);
    const last = await api.request('GET', `/v1/tenants/${t}/operations?limit=2&cursor=${rest.json.nextCursor}`);
    expect(rest.json.nextCursor === null || last.json.items.length === 0).toBe(true);
  });

  it('refuses new workspaces in a tenant being deleted (409)', async () => {
    const t = await tenant();
    const del = await api.request('DELETE', `/v1/tenants/${t}`);
    expect(del.status).toBe(202);
    expect(del.json).toMatchObject({ type: 'DeleteTenant', tenant: t, workspace: null, status: 'Queued' });
    const res = await api.request('POST', `/v1/tenants/${t}/workspaces`, { body: { name: 'late' } });
    expect(res.status).toBe(409);
  });
  describe('concurrent creations in one tenant', () => {
    const post = (t: string, name: string) => api.request('POST', `/v1/tenants/${t}/workspaces`, { body: { name } });
    const statuses = (rs: { status: number }[]) => rs.map((r) => r.status).sort();

    it('a burst of distinct names is accepted in full, each with its own operation', async () => {
      const t = await tenant();
      const rs = await Promise.all(Array.from({ length: 60 }, (_, i) => post(t, `burst-${i}`)));
      expect(statuses(rs)).toEqual(Array(60).fill(202));
      const { rows } = await pg.query(
        `SELECT count(DISTINCT w.id)::int AS workspaces, count(o.id)::int AS operations FROM kplane.workspaces w
           JOIN kplane.tenants tn ON tn.id = w.tenant_id LEFT JOIN kplane.operations o ON o.workspace_id = w.id WHERE tn.name = $1`,
        [t],
      );
      expect(rows[0]).toEqual({ workspaces: 60, operations: 60 });
    });

    it('one name posted many times at once: one 202, the rest 409, one workspace', async () => {
      const t = await tenant();
      const rs = await Promise.all(Array.from({ length: 12 }, () => post(t, 'same')));
      expect(statuses(rs)).toEqual([202, ...Array(11).fill(409)]);
      const { rows } = await pg.query(`SELECT count(*)::int AS n FROM kplane.operations o JOIN kplane.tenants tn ON tn.id = o.tenant_id WHERE tn.name = $1`, [t]);
      expect(rows[0].n).toBe(1);
    });

    it('a workspace quota stays exact under a burst: exactly maxWorkspaces accepted', async () => {
      const name = randomName('quota');
      expect((await api.request('POST', '/v1/tenants', { body: { name, quota: { maxWorkspaces: 5 } } })).status).toBe(201);
      const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => post(name, `q-${i}`)));
      expect(statuses(rs)).toEqual([...Array(5).fill(202), ...Array(15).fill(422)]);
      expect(rs.find((r) => r.status === 422)!.json.code).toBe('QUOTA_EXCEEDED');
    });

    it('re-posting a failed workspace many times at once starts one new operation', async () => {
      const t = await tenant();
      const first = await post(t, 'flaky');
      await pg.query(`UPDATE kplane.workspaces SET phase = 'Failed' WHERE id = $1`, [first.json.workspace.id]);
      await pg.query(`UPDATE kplane.operations SET status = 'Failed' WHERE id = $1`, [first.json.operation.id]);
      const rs = await Promise.all(Array.from({ length: 8 }, () => post(t, 'flaky')));
      expect(statuses(rs)).toEqual([202, ...Array(7).fill(409)]);
      const { rows } = await pg.query(`SELECT count(*)::int AS n FROM kplane.operations WHERE workspace_id = $1 AND status = 'Queued'`, [first.json.workspace.id]);
      expect(rows[0].n).toBe(1);
    });
  });
});
