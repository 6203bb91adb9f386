import { Client } from 'pg';
import { adminApi, kubeRequest, provisionWorkspace, usePlatformSuite, waitFor } from '@kplane/testing';

/** The warm pool (KPLANE_SPARE_WORKSPACES) as a customer and an operator see it. */
describe('warm pool of spare workspaces', () => {
  const suite = usePlatformSuite('warm', [], { KPLANE_SPARE_WORKSPACES: '2', KPLANE_SPARE_WORKSPACES_INTERVAL_SECONDS: '1' });
  let pg: Client;

  beforeAll(async () => {
    pg = new Client({ connectionString: suite.platform.database.url });
    // The suite's own afterAll force-drops the database, which may end this connection first.
    pg.on('error', () => undefined);
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
  });

  const spares = async () => (await pg.query<{ id: string; state: string }>(`SELECT id, state FROM kplane.spare_workspaces ORDER BY created_at`)).rows;
  const readySpares = async () => (await spares()).filter((s) => s.state === 'Ready').map((s) => s.id);
  const schemaIds = async () =>
    (await pg.query<{ id: string }>(`SELECT substr(nspname, 4) AS id FROM pg_namespace WHERE nspname ~ '^ws_[0-9a-f]{32}$'`)).rows.map((r) => r.id).sort();
  const hex = (id: string) => id.replace(/-/g, '');

  it('a new workspace takes a spare, starts with fresh bootstrap objects, and the pool refills; deleting it leaves no orphan', async () => {
    await waitFor('two Ready spares', async () => (await readySpares()).length === 2, { timeoutMs: 30_000 });
    const before = await readySpares();
    const postedAt = Date.now();
    const ws = await provisionWorkspace(suite.platform, suite.tenant, 'w1', suite.dir);
    expect(ws.id).toBe(before[0]);

    const ns = await kubeRequest(ws, 'GET', '/api/v1/namespaces');
    expect(ns.status).toBe(200);
    const names = ns.body.items.map((n: { metadata: { name: string } }) => n.metadata.name).sort();
    expect(names).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    // Bootstrap objects are made when the workspace is, not when its spare was built.
    for (const n of ns.body.items) expect(Date.parse(n.metadata.creationTimestamp)).toBeGreaterThanOrEqual(Math.floor(postedAt / 1000) * 1000);
    expect((await kubeRequest(ws, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'c1' } } })).status).toBe(201);

    await waitFor('the pool refilled', async () => (await readySpares()).length === 2, { timeoutMs: 30_000 });
    expect(await readySpares()).not.toContain(ws.id);

    const del = await adminApi(suite.platform, 'DELETE', `/v1/tenants/${suite.tenant}/workspaces/w1`);
    expect(del.status).toBe(202);
    await waitFor('workspace w1 gone', async () => (await adminApi(suite.platform, 'GET', `/v1/tenants/${suite.tenant}/workspaces/w1`)).status === 404, { timeoutMs: 30_000 });
    // Every schema left is a spare's: none is an orphan, and the taken one is gone.
    expect(await schemaIds()).toEqual((await spares()).map((s) => hex(s.id)).sort());
    expect(await schemaIds()).not.toContain(hex(ws.id));
  });
});
