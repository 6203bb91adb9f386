import { findResource, ResourceType } from '../resources';
import { KubeStatusError } from '../status';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, MAX_JSON_PATCH_OPERATIONS } from './index';

const rt = (g: string, r: string): ResourceType => findResource(g, 'v1', r)!;
const cm = rt('', 'configmaps');
const sa = rt('', 'serviceaccounts');
const ns = rt('', 'namespaces');
const role = rt('rbac.authorization.k8s.io', 'roles');

function err(fn: () => unknown): KubeStatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof KubeStatusError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('applyMergePatch', () => {
  const target = { metadata: { name: 'a', labels: { x: '1', y: '2' } }, data: { k: 'v' }, list: [1, 2] };

  it('merges maps, deletes on null and replaces arrays', () => {
    expect(applyMergePatch(target, { metadata: { labels: { x: null, z: '3' } }, list: [3], data: null })).toEqual({
      metadata: { name: 'a', labels: { y: '2', z: '3' } },
      list: [3],
    });
  });

  it('does not modify the input', () => {
    applyMergePatch(target, { metadata: { labels: { x: 'changed' } } });
    expect(target.metadata.labels.x).toBe('1');
  });

  it('kubectl label/annotate patches', () => {
    expect(applyMergePatch({ metadata: { name: 'c2' } }, { metadata: { labels: { a: 'b' } } })).toEqual({ metadata: { name: 'c2', labels: { a: 'b' } } });
  });

  it('replaces a non-object with an object and drops nulls inside new maps', () => {
    expect(applyMergePatch({ a: 1 }, { a: { b: null, c: 1 } })).toEqual({ a: { c: 1 } });
  });

  it('400s on a non-object patch', () => {
    expect(err(() => applyMergePatch({}, [1])).code).toBe(400);
    expect(err(() => applyMergePatch({}, 'x')).code).toBe(400);
  });
});

describe('applyJsonPatch', () => {
  const target = { metadata: { name: 'a', labels: { 'a/b': '1' } }, data: { k: 'v' }, items: ['x'] };

  it('applies all six operations with ~ escapes', () => {
    const out = applyJsonPatch(target, [
      { op: 'add', path: '/data/n', value: 'new' },
      { op: 'remove', path: '/metadata/labels/a~1b' },
      { op: 'replace', path: '/data/k', value: 'v2' },
      { op: 'copy', from: '/data/k', path: '/data/copy' },
      { op: 'move', from: '/data/n', path: '/data/moved' },
      { op: 'test', path: '/metadata/name', value: 'a' },
      { op: 'add', path: '/items/-', value: 'y' },
    ]);
    expect(out).toEqual({ metadata: { name: 'a', labels: {} }, data: { k: 'v2', copy: 'v2', moved: 'new' }, items: ['x', 'y'] });
    expect(target.data).toEqual({ k: 'v' });
  });

  it.each([
    ['not an array', { op: 'add' }],
    ['op not an object', ['x']],
    ['unknown op', [{ op: 'frob', path: '/a' }]],
    ['bad path', [{ op: 'add', path: 'a', value: 1 }]],
    ['missing value', [{ op: 'add', path: '/a' }]],
    ['missing from', [{ op: 'move', path: '/a' }]],
  ])('400 for a malformed patch: %s', (_, ops) => {
    expect(err(() => applyJsonPatch(target, ops)).code).toBe(400);
  });

  it.each([
    ['missing path', [{ op: 'replace', path: '/nope/x', value: 1 }]],
    ['remove missing', [{ op: 'remove', path: '/data/missing' }]],
    ['failed test', [{ op: 'test', path: '/metadata/name', value: 'b' }]],
    ['array index out of range', [{ op: 'add', path: '/items/5', value: 'z' }]],
    ['prototype pollution', [{ op: 'add', path: '/__proto__/polluted', value: 1 }]],
  ])('422 for an operation that cannot apply: %s', (_, ops) => {
    const e = err(() => applyJsonPatch(target, ops));
    expect(e.code).toBe(422);
    expect(e.status.reason).toBe('Invalid');
  });

  it('leaves the object prototype alone', () => {
    try {
      applyJsonPatch({}, [{ op: 'add', path: '/__proto__/polluted', value: 1 }]);
    } catch {
      /* expected */
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses more than 10000 operations with 413', () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/metadata/name', value: 'a' }));
    expect(err(() => applyJsonPatch(target, ops)).code).toBe(413);
    expect(() => applyJsonPatch(target, ops.slice(1))).not.toThrow();
  });
});

describe('applyStrategicMergePatch', () => {
  it('applies the kubectl apply patch from §18', () => {
    const live = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'app-config',
        namespace: 'demo',
        uid: 'u',
        resourceVersion: '5',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"old":true}', other: 'keep' },
        labels: { app: 'a' },
      },
      data: { k1: 'v1', k2: 'v2', k4: 'v4' },
    };
    const patch = {
      data: { k1: 'v1-changed', k2: null, k3: 'v3' },
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}' }, labels: { tier: 'x' } },
    };
    expect(applyStrategicMergePatch(live, patch, cm)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'app-config',
        namespace: 'demo',
        uid: 'u',
        resourceVersion: '5',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}', other: 'keep' },
        labels: { app: 'a', tier: 'x' },
      },
      data: { k1: 'v1-changed', k3: 'v3', k4: 'v4' },
    });
    expect(live.data.k2).toBe('v2');
  });

  it('merges ownerReferences by uid, with $patch: delete', () => {
    const live = {
      metadata: {
        ownerReferences: [
          { uid: '1', name: 'a', kind: 'X', apiVersion: 'v1' },
          { uid: '2', name: 'b', kind: 'X', apiVersion: 'v1' },
        ],
      },
    };
    const out = applyStrategicMergePatch<typeof live>(
      live,
      { metadata: { ownerReferences: [{ uid: '1', controller: true }, { uid: '2', $patch: 'delete' }, { uid: '3', name: 'c', kind: 'X', apiVersion: 'v1' }] } },
      cm,
    );
    expect(out.metadata.ownerReferences).toEqual([
      { uid: '1', name: 'a', kind: 'X', apiVersion: 'v1', controller: true },
      { uid: '3', name: 'c', kind: 'X', apiVersion: 'v1' },
    ]);
  });

  it('400s on a keyed list item without its merge key', () => {
    expect(err(() => applyStrategicMergePatch({}, { metadata: { ownerReferences: [{ name: 'x' }] } }, cm)).code).toBe(400);
  });

  it('unions finalizers and honours $deleteFromPrimitiveList', () => {
    const live = { metadata: { finalizers: ['a/x', 'b/y'] } };
    expect(applyStrategicMergePatch(live, { metadata: { finalizers: ['b/y', 'c/z'] } }, cm)).toEqual({ metadata: { finalizers: ['a/x', 'b/y', 'c/z'] } });
    expect(applyStrategicMergePatch(live, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a/x'] } }, cm)).toEqual({ metadata: { finalizers: ['b/y'] } });
  });

  it('merges serviceaccount secrets by name', () => {
    const live = { secrets: [{ name: 'a' }, { name: 'b' }] };
    expect(applyStrategicMergePatch(live, { secrets: [{ name: 'c' }] }, sa)).toEqual({ secrets: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
    expect(applyStrategicMergePatch(live, { secrets: [{ name: 'a', $patch: 'delete' }] }, sa)).toEqual({ secrets: [{ name: 'b' }] });
  });

  it('merges status.conditions by type on namespaces', () => {
    const live = { status: { phase: 'Terminating', conditions: [{ type: 'A', status: 'False' }, { type: 'B', status: 'True' }] } };
    expect(applyStrategicMergePatch(live, { status: { conditions: [{ type: 'A', status: 'True' }] } }, ns)).toEqual({
      status: { phase: 'Terminating', conditions: [{ type: 'A', status: 'True' }, { type: 'B', status: 'True' }] },
    });
  });

  it('replaces RBAC rules and namespace spec.finalizers whole', () => {
    const live = { rules: [{ verbs: ['get'], resources: ['a'] }, { verbs: ['list'], resources: ['b'] }] };
    expect(applyStrategicMergePatch(live, { rules: [{ verbs: ['watch'], resources: ['c'] }] }, role)).toEqual({ rules: [{ verbs: ['watch'], resources: ['c'] }] });
    expect(applyStrategicMergePatch({ spec: { finalizers: ['kubernetes', 'x/y'] } }, { spec: { finalizers: ['x/y'] } }, ns)).toEqual({ spec: { finalizers: ['x/y'] } });
  });

  it('handles $patch: replace on maps and lists, and $patch: delete on maps', () => {
    const live = { data: { a: '1', b: '2' }, metadata: { labels: { x: 'y' }, ownerReferences: [{ uid: '1' }, { uid: '2' }] } };
    expect(applyStrategicMergePatch(live, { data: { $patch: 'replace', c: '3' } }, cm)).toMatchObject({ data: { c: '3' } });
    expect(applyStrategicMergePatch<typeof live>(live, { metadata: { ownerReferences: [{ $patch: 'replace' }, { uid: '9' }] } }, cm).metadata.ownerReferences).toEqual([{ uid: '9' }]);
    expect(applyStrategicMergePatch(live, { metadata: { labels: { $patch: 'delete' } } }, cm)).toEqual({ data: live.data, metadata: { ownerReferences: live.metadata.ownerReferences } });
    expect(err(() => applyStrategicMergePatch(live, { data: { $patch: 'explode' } }, cm)).code).toBe(400);
  });

  it('honours $retainKeys', () => {
    expect(applyStrategicMergePatch({ spec: { a: 1, b: 2, c: 3 } }, { spec: { $retainKeys: ['a', 'd'], d: 4 } }, cm)).toEqual({ spec: { a: 1, d: 4 } });
  });

  it('honours and strips $setElementOrder', () => {
    const live = { metadata: { ownerReferences: [{ uid: '1' }, { uid: '2' }], finalizers: ['a/a', 'b/b'] } };
    const out = applyStrategicMergePatch(
      live,
      {
        metadata: {
          '$setElementOrder/ownerReferences': [{ uid: '2' }, { uid: '1' }],
          '$setElementOrder/finalizers': ['b/b', 'a/a'],
          ownerReferences: [{ uid: '1', name: 'n' }],
        },
      },
      cm,
    );
    expect(out).toEqual({ metadata: { ownerReferences: [{ uid: '2' }, { uid: '1', name: 'n' }], finalizers: ['b/b', 'a/a'] } });
  });

  it('drops directives and nulls inside newly added values', () => {
    expect(applyStrategicMergePatch({}, { spec: { x: { a: null, b: 1, $patch: 'merge' } } }, cm)).toEqual({ spec: { x: { b: 1 } } });
  });

  it('415s for custom resources and 400s for non-object patches', () => {
    const widget: ResourceType = { ...cm, group: 'example.com', resource: 'widgets', kind: 'Widget', listKind: 'WidgetList', singular: 'widget' };
    const e = err(() => applyStrategicMergePatch({}, {}, widget));
    expect(e.code).toBe(415);
    expect(e.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
    expect(err(() => applyStrategicMergePatch({}, [], cm)).code).toBe(400);
  });
});

describe('json patch copy bombs', () => {
  it('refuses a patch whose copies would grow the object past the limit, before building it', () => {
    // Each copy of /data into itself doubles it: 2^40 KB if nothing stopped it.
    const ops: unknown[] = [{ op: 'add', path: '/data/x', value: 'x'.repeat(1000) }];
    for (let i = 0; i < 40; i++) ops.push({ op: 'copy', from: '/data', path: `/data/c${i}` });
    const started = Date.now();
    expect(() => applyJsonPatch({ data: {} }, ops)).toThrow(/too large/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
