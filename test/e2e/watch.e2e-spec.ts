import * as k8s from '@kubernetes/client-node';
import { kubeRequest, kubeWatch, TestWorkspace, usePlatformSuite, waitFor } from '@kplane/testing';

/** Watch semantics over HTTP and through the @kubernetes/client-node informer (kubernetes-api.md §7). */
describe('watch', () => {
  // Compaction every second, keeping only the newest 5 changes, so a 410 can be provoked; watches
  // without timeoutSeconds end within 2-3 s, so the informer re-watches during the test.
  const suite = usePlatformSuite('watch', ['w1'], {
    KPLANE_CHANGELOG_KEEP_SECONDS: '0',
    KPLANE_CHANGELOG_KEEP_COUNT: '5',
    KPLANE_COMPACTION_INTERVAL_SECONDS: '1',
    KPLANE_WATCH_MIN_TIMEOUT_SECONDS: '2',
    KPLANE_WATCH_MAX_TIMEOUT_SECONDS: '3',
  });
  let ws: TestWorkspace;

  const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = { a: '1' }) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels },
    data,
  });
  const create = async (ns: string, body: unknown) => {
    const res = await kubeRequest(ws, 'POST', `/api/v1/namespaces/${ns}/configmaps`, { body });
    expect(res.status).toBe(201);
    return res.body;
  };

  beforeAll(async () => {
    ws = suite.workspace('w1');
    expect((await kubeRequest(ws, 'POST', '/api/v1/namespaces', { body: { metadata: { name: 'demo' } } })).status).toBe(201);
  });

  it('replays from a resourceVersion, then streams live changes in order, with loose booleans', async () => {
    const list = await kubeRequest(ws, 'GET', '/api/v1/namespaces/demo/configmaps');
    const rv = list.body.metadata.resourceVersion;
    await create('demo', cm('r1'));
    const watch = await kubeWatch(ws, `/api/v1/namespaces/demo/configmaps?watch=True&resourceVersion=${rv}`);
    expect(watch.status).toBe(200);
    expect(watch.headers['content-type']).toContain('application/json');
    const updated = await kubeRequest(ws, 'PATCH', '/api/v1/namespaces/demo/configmaps/r1', {
      rawBody: JSON.stringify({ data: { a: '2' } }),
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(updated.status).toBe(200);
    expect((await kubeRequest(ws, 'DELETE', '/api/v1/namespaces/demo/configmaps/r1')).status).toBe(200);
    const events = await watch.waitForEvents(3);
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
    expect(events[1].object.data).toEqual({ a: '2' });
    watch.close();
  });

  it('starts with synthetic ADDED events without a resourceVersion and honours selectors and transitions', async () => {
    await create('demo', cm('sel-a', { tier: 'gold' }));
    await create('demo', cm('sel-b', { tier: 'silver' }));
    const watch = await kubeWatch(ws, '/api/v1/namespaces/demo/configmaps?watch=1&labelSelector=tier%3Dgold');
    const [initial] = await watch.waitForEvents(1);
    expect([initial.type, initial.object.metadata.name]).toEqual(['ADDED', 'sel-a']);
    // sel-b enters the selector (ADDED), sel-a leaves it (DELETED).
    const relabel = (name: string, tier: string) =>
      kubeRequest(ws, 'PATCH', `/api/v1/namespaces/demo/configmaps/${name}`, {
        rawBody: JSON.stringify({ metadata: { labels: { tier } } }),
        headers: { 'content-type': 'application/merge-patch+json' },
      });
    await relabel('sel-b', 'gold');
    await relabel('sel-a', 'bronze');
    const events = await watch.waitForEvents(3);
    expect(events.slice(1).map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'sel-b'],
      ['DELETED', 'sel-a'],
    ]);
    watch.close();
  });

  it('ends a watch after timeoutSeconds', async () => {
    const watch = await kubeWatch(ws, '/api/v1/namespaces/demo/configmaps?watch=true&timeoutSeconds=1&fieldSelector=metadata.name%3Dnone');
    await watch.ended;
    expect(watch.events).toEqual([]);
  });

  it('answers a compacted resourceVersion with one ERROR 410 event and closes', async () => {
    for (let i = 0; i < 8; i++) await create('demo', cm(`old-${i}`));
    await waitFor('compaction', async () => {
      const watch = await kubeWatch(ws, '/api/v1/namespaces/demo/configmaps?watch=true&resourceVersion=3');
      await watch.ended;
      return watch.events.length === 1 && watch.events[0].type === 'ERROR';
    }, { timeoutMs: 20_000, describe: () => suite.platform.logs() });
    const watch = await kubeWatch(ws, '/api/v1/namespaces/demo/configmaps?watch=true&resourceVersion=3');
    await watch.ended;
    expect(watch.events).toHaveLength(1);
    expect(watch.events[0].object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('serves a client-node informer that sees add, update and delete and relists after a 410', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(ws.kubeconfigYaml);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/demo/configmaps', () => core.listNamespacedConfigMap({ namespace: 'demo', labelSelector: 'app=inf' }), 'app=inf');
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add:${o.metadata!.name}`));
    informer.on('update', (o) => seen.push(`update:${o.metadata!.name}:${o.data?.a}`));
    informer.on('delete', (o) => seen.push(`delete:${o.metadata!.name}`));
    const errors: unknown[] = [];
    informer.on('error', (e) => errors.push(e));
    await informer.start();
    try {
      await core.createNamespacedConfigMap({ namespace: 'demo', body: cm('inf1', { app: 'inf' }) });
      await core.patchNamespacedConfigMap({ namespace: 'demo', name: 'inf1', body: [{ op: 'replace', path: '/data/a', value: '2' }] });
      await waitFor('informer update', async () => seen.includes('update:inf1:2'), { timeoutMs: 15_000, describe: () => seen.join(',') });
      // Other writes move the change log on and compaction drops the informer's revision; its
      // next re-watch gets 410 Expired and it must relist, then keep going.
      const lastRv = Number((await core.readNamespacedConfigMap({ namespace: 'demo', name: 'inf1' })).metadata!.resourceVersion);
      for (let i = 0; i < 10; i++) await create('demo', cm(`filler-${i}`));
      await waitFor('compaction past the informer revision', async () => {
        const w = await kubeWatch(ws, `/api/v1/namespaces/demo/configmaps?watch=true&resourceVersion=${lastRv}`);
        await w.ended;
        return w.events[0]?.type === 'ERROR';
      }, { timeoutMs: 20_000 });
      await new Promise((r) => setTimeout(r, 4000)); // at least one server-side watch timeout
      await core.deleteNamespacedConfigMap({ namespace: 'demo', name: 'inf1' });
      await waitFor('informer delete after relist', async () => seen.includes('delete:inf1'), { timeoutMs: 15_000, describe: () => seen.join(',') });
      expect(seen).toEqual(['add:inf1', 'update:inf1:2', 'delete:inf1']);
      expect(errors).toEqual([]);
      expect(informer.list()).toEqual([]);
    } finally {
      await informer.stop();
    }
  });
});
