import { adminApi, kubeRequest, kubeWatch, usePlatformSuite, waitFor } from '@kplane/testing';

/** Suspension and resumption as a workspace's clients see them (issue 6, item 3). */
describe('workspace lifecycle', () => {
  const suite = usePlatformSuite('life', ['s1']);

  const waitOp = async (id: string) =>
    waitFor(`operation ${id}`, async () => (await adminApi(suite.platform, 'GET', `/v1/operations/${id}`)).body.status === 'Succeeded', { timeoutMs: 30_000 });

  it('suspending closes open watches and answers 503 with data kept; resuming serves it again', async () => {
    const ws = suite.workspace('s1');
    expect((await kubeRequest(ws, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'kept' } } })).status).toBe(201);
    const watch = await kubeWatch(ws, '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1');
    const suspend = await adminApi(suite.platform, 'POST', `/v1/tenants/${suite.tenant}/workspaces/s1/suspend`);
    expect(suspend.status).toBe(202);
    await waitOp(suspend.body.id);
    await Promise.race([watch.ended, new Promise((_, fail) => setTimeout(() => fail(new Error('watch still open after suspension')), 15_000))]);
    const refused = await kubeRequest(ws, 'GET', '/api/v1/namespaces/default/configmaps/kept');
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    const resume = await adminApi(suite.platform, 'POST', `/v1/tenants/${suite.tenant}/workspaces/s1/resume`);
    expect(resume.status).toBe(202);
    await waitOp(resume.body.id);
    const back = await kubeRequest(ws, 'GET', '/api/v1/namespaces/default/configmaps/kept');
    expect(back.status).toBe(200);
  });
});
