import { kubeRequest, TestWorkspace, usePlatformSuite } from '@kplane/testing';

/**
 * "__proto__" is an ordinary key in JSON and in Kubernetes (a valid ConfigMap data key). Every write
 * path must store it as data, never let it set an object's prototype (which would drop the key and
 * let injected fields be read as if they were there).
 */
describe('"__proto__" keys are plain data on every write path', () => {
  const suite = usePlatformSuite('proto', ['p']);
  let ws: TestWorkspace;
  beforeAll(() => {
    ws = suite.workspace('p');
  });
  const base = '/api/v1/namespaces/default/configmaps';
  /** Expected values from JSON text: in a JS object literal `__proto__` would set the prototype. */
  const json = (text: string) => JSON.parse(text) as Record<string, string>;
  const data = async (name: string) => {
    const got = await kubeRequest(ws, 'GET', `${base}/${name}`);
    expect(got.status).toBe(200);
    return got.body.data as Record<string, string>;
  };

  it('create, merge patch, strategic merge patch, server-side apply and update keep the key; JSON patch refuses it', async () => {
    const created = await kubeRequest(ws, 'POST', base, {
      rawBody: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"proto","__proto__":{"namespace":"kube-system","labels":{"x":"y"}}},"data":{"__proto__":"a","k":"1"}}',
    });
    expect(created.status).toBe(201);
    expect(created.body.metadata.namespace).toBe('default');
    expect(created.body.metadata.labels).toBeUndefined();
    expect(await data('proto')).toEqual(json('{"__proto__":"a","k":"1"}'));

    const merge = await kubeRequest(ws, 'PATCH', `${base}/proto`, { rawBody: '{"data":{"__proto__":"b","m":"2"}}', headers: { 'content-type': 'application/merge-patch+json' } });
    expect(merge.status).toBe(200);
    expect(await data('proto')).toEqual(json('{"__proto__":"b","k":"1","m":"2"}'));

    const strategic = await kubeRequest(ws, 'PATCH', `${base}/proto`, { rawBody: '{"data":{"__proto__":"c"}}', headers: { 'content-type': 'application/strategic-merge-patch+json' } });
    expect(strategic.status).toBe(200);
    expect(await data('proto')).toEqual(json('{"__proto__":"c","k":"1","m":"2"}'));

    const jsonPatch = await kubeRequest(ws, 'PATCH', `${base}/proto`, {
      rawBody: '[{"op":"replace","path":"/data/__proto__","value":"d"}]',
      headers: { 'content-type': 'application/json-patch+json' },
    });
    // fast-json-patch refuses pointers through "__proto__" (prototype pollution guard): a clear 422
    // that changes nothing, where kube-apiserver would apply it.
    expect(jsonPatch.status).toBe(422);
    expect(jsonPatch.body.message).toMatch(/could not be applied/);
    expect(await data('proto')).toEqual(json('{"__proto__":"c","k":"1","m":"2"}'));

    const applied = await kubeRequest(ws, 'PATCH', `${base}/proto-applied?fieldManager=e2e`, {
      rawBody: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"proto-applied"},"data":{"__proto__":"e","k":"1"}}',
      headers: { 'content-type': 'application/apply-patch+yaml' },
    });
    expect(applied.status).toBe(201);
    expect(await data('proto-applied')).toEqual(json('{"__proto__":"e","k":"1"}'));

    // Added by a patch to an object that did not have it.
    for (const [name, type, value] of [['plain-merge', 'merge', 'g'], ['plain-strategic', 'strategic-merge', 'h']]) {
      expect((await kubeRequest(ws, 'POST', base, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: '1' } } })).status).toBe(201);
      const added = await kubeRequest(ws, 'PATCH', `${base}/${name}`, { rawBody: `{"data":{"__proto__":"${value}"}}`, headers: { 'content-type': `application/${type}-patch+json` } });
      expect(added.status).toBe(200);
      expect(await data(name)).toEqual(json(`{"__proto__":"${value}","k":"1"}`));
    }

    const secret = await kubeRequest(ws, 'POST', '/api/v1/namespaces/default/secrets', {
      rawBody: '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"proto"},"stringData":{"__proto__":"s"}}',
    });
    expect(secret.status).toBe(201);
    expect(secret.body.data).toEqual(json(`{"__proto__":"${Buffer.from('s').toString('base64')}"}`));

    const current = await kubeRequest(ws, 'GET', `${base}/proto`);
    const replaced = await kubeRequest(ws, 'PUT', `${base}/proto`, {
      rawBody: current.text.replace('"__proto__":"c"', '"__proto__":"f"'),
    });
    expect(replaced.status).toBe(200);
    expect(await data('proto')).toEqual(json('{"__proto__":"f","k":"1","m":"2"}'));
  });
});
