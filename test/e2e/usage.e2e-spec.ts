import { adminApi, kubeRequest, usePlatformSuite, waitFor } from '@kplane/testing';

/** Usage figures (issue 7): what the workspace holds and how much it was called, from the samples. */
describe('usage metering', () => {
  const suite = usePlatformSuite('usage', ['u1'], { KPLANE_METERING_INTERVAL_SECONDS: '1' });

  it('reports objects, storage and API requests per workspace that match what was done', async () => {
    const ws = suite.workspace('u1');
    for (let i = 0; i < 5; i++) {
      const res = await kubeRequest(ws, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: `u-${i}` }, data: { k: 'v'.repeat(100) } } });
      expect(res.status).toBe(201);
    }
    for (let i = 0; i < 7; i++) expect((await kubeRequest(ws, 'GET', '/api/v1/namespaces/default/configmaps')).status).toBe(200);
    // 4 namespaces, 4 service accounts, the bootstrap RBAC objects and our 5 configmaps.
    const stored = (await kubeRequest(ws, 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles')).body.items.length + (await kubeRequest(ws, 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings')).body.items.length;
    const expectedObjects = 4 + 4 + stored + 5;
    let usage: any;
    await waitFor('usage samples', async () => {
      const res = await adminApi(suite.platform, 'GET', `/v1/tenants/${suite.tenant}/usage`);
      usage = res.body;
      const w = res.body.byWorkspace?.find((b: { workspace: string }) => b.workspace === 'u1');
      return res.status === 200 && w?.objects === expectedObjects && w.apiRequests >= 12;
    }, { timeoutMs: 30_000, describe: () => JSON.stringify(usage) });
    const w = usage.byWorkspace.find((b: { workspace: string }) => b.workspace === 'u1');
    expect(usage).toMatchObject({ tenant: suite.tenant, workspaces: 1, objects: expectedObjects });
    expect(w.storageBytes).toBeGreaterThan(500);
    expect(w.apiRequestsByVerb.create).toBeGreaterThanOrEqual(5);
    expect(w.apiRequestsByVerb.list).toBeGreaterThanOrEqual(7);
    expect(w.byResource.configmaps).toBe(5);
    const all = await adminApi(suite.platform, 'GET', '/v1/usage');
    expect(all.status).toBe(200);
  });
});
