import { findResourceByKind } from '../resources';
import type { ResourceType } from '../resources';
import { KubeStatusError } from '../status';
import {
  applyServerSide,
  decodeManagedFields,
  defaultFieldManager,
  fieldSetOf,
  ManagedFieldsEntry,
  recordUpdate,
  resolveFieldManager,
  validateFieldManager,
  validateForce,
} from './index';

type Obj = Record<string, unknown>;

const CM: Pick<ResourceType, 'group' | 'kind' | 'subresources'> = { group: '', kind: 'ConfigMap', subresources: [] };
const NS: Pick<ResourceType, 'group' | 'kind' | 'subresources'> = { group: '', kind: 'Namespace', subresources: ['status', 'finalize'] };
const T0 = '2024-01-01T00:00:00Z';
const T1 = '2024-01-01T00:01:00Z';
const T2 = '2024-01-01T00:02:00Z';

function cm(data: Record<string, string>, meta: Obj = {}): Obj {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', ...meta }, data };
}

function stored(o: Obj): Obj {
  return { ...o, metadata: { ...(o.metadata as Obj), uid: 'u-1', resourceVersion: '5', creationTimestamp: T0 } };
}

function entries(o: Obj): ManagedFieldsEntry[] {
  return (o.metadata as Obj).managedFields as ManagedFieldsEntry[];
}

function entry(o: Obj, manager: string, operation = 'Apply'): ManagedFieldsEntry | undefined {
  return entries(o).find((e) => e.manager === manager && e.operation === operation);
}

function catchErr(f: () => unknown): KubeStatusError {
  try {
    f();
  } catch (e) {
    if (e instanceof KubeStatusError) return e;
    throw e;
  }
  throw new Error('expected a KubeStatusError');
}

describe('fieldSetOf', () => {
  it.each<[string, Obj, Parameters<typeof fieldSetOf>[1], Obj]>([
    [
      'configmap data and labels; name/namespace/uid/rv not tracked',
      stored(cm({ k1: 'v1' }, { labels: { a: 'x' } })),
      { rt: CM },
      { 'f:data': { 'f:k1': {} }, 'f:metadata': { 'f:labels': { 'f:a': {} } } },
    ],
    [
      'update mode marks maps with "."',
      cm({ k1: 'v1' }, { labels: { a: 'x' } }),
      { rt: CM, mode: 'all' },
      { 'f:data': { '.': {}, 'f:k1': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } } },
    ],
    [
      'ownerReferences keyed by uid, finalizers a set',
      cm({}, { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'abc' }], finalizers: ['x', 'y'] }),
      { rt: CM },
      {
        'f:data': {},
        'f:metadata': {
          'f:finalizers': { 'v:"x"': {}, 'v:"y"': {} },
          'f:ownerReferences': { 'k:{"uid":"abc"}': { '.': {}, 'f:apiVersion': {}, 'f:kind': {}, 'f:name': {}, 'f:uid': {} } },
        },
      },
    ],
    [
      'unknown lists are atomic',
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { items: [{ a: 1 }, { a: 2 }] } },
      { rt: { group: 'example.com', kind: 'Widget' } },
      { 'f:spec': { 'f:items': {} } },
    ],
    [
      'status of a kind with a status subresource is not tracked on the main resource',
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } },
      { rt: NS },
      { 'f:spec': { 'f:finalizers': {} } },
    ],
    [
      'only status is tracked for the status subresource',
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', labels: { a: 'b' } }, status: { phase: 'Active' } },
      { rt: NS, subresource: 'status' },
      { 'f:status': { 'f:phase': {} } },
    ],
  ])('%s', (_name, obj, opts, want) => {
    expect(fieldSetOf(obj, opts)).toEqual(want);
  });
});

describe('recordUpdate', () => {
  it('create gives every field to the manager as Update', () => {
    const out = recordUpdate({ before: null, after: stored(cm({ k1: 'v1' })), manager: 'kubectl-create', apiVersion: 'v1', now: new Date('2024-01-01T00:00:00.123Z'), rt: CM });
    expect(entries(out)).toEqual([
      { manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', time: T0, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {}, 'f:k1': {} } } },
    ]);
  });

  it('an update moves changed fields, drops emptied entries and collapses per (manager, operation, subresource)', () => {
    const a = recordUpdate({ before: null, after: stored(cm({ k1: 'v1', k2: 'v2' })), manager: 'a', apiVersion: 'v1', now: T0, rt: CM });
    const b = recordUpdate({ before: a, after: { ...a, data: { k1: 'changed', k2: 'v2' } }, manager: 'b', apiVersion: 'v1', now: T1, rt: CM });
    expect(entry(b, 'a', 'Update')?.fieldsV1).toEqual({ 'f:data': { '.': {}, 'f:k2': {} } });
    expect(entry(b, 'b', 'Update')?.fieldsV1).toEqual({ 'f:data': { 'f:k1': {} } });
    const b2 = recordUpdate({ before: b, after: { ...b, data: { k1: 'again', k2: 'v2b' } }, manager: 'b', apiVersion: 'v1', now: T2, rt: CM });
    expect(entries(b2).filter((e) => e.manager === 'b')).toHaveLength(1);
    expect(entry(b2, 'b', 'Update')).toMatchObject({ time: T2, fieldsV1: { 'f:data': { 'f:k1': {}, 'f:k2': {} } } });
    // a keeps the data map itself (a member without children renders as {})
    expect(entry(b2, 'a', 'Update')?.fieldsV1).toEqual({ 'f:data': {} });
    // removing everything a owned drops its entry
    const b3 = recordUpdate({ before: b2, after: { ...b2, data: undefined, metadata: { ...(b2.metadata as Obj), labels: { l: '1' } } }, manager: 'b', apiVersion: 'v1', now: T2, rt: CM });
    expect(entry(b3, 'a', 'Update')).toBeUndefined();
    expect(entries(b3).map((e) => e.manager)).toEqual(['b']);
    expect(entry(b3, 'b', 'Update')?.fieldsV1).toEqual({ 'f:metadata': { 'f:labels': { '.': {}, 'f:l': {} } } });
    // a write that leaves no owned fields at all drops managedFields
    const b4 = recordUpdate({ before: b3, after: { ...b3, metadata: { ...(b3.metadata as Obj), labels: undefined } }, manager: 'b', apiVersion: 'v1', now: T2, rt: CM });
    expect((b4.metadata as Obj).managedFields).toBeUndefined();
  });

  it('a status write gets its own entry with subresource', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
    const created = recordUpdate({ before: null, after: ns, manager: 'kubectl-create', apiVersion: 'v1', now: T0, rt: NS });
    const st = recordUpdate({ before: created, after: { ...created, status: { phase: 'Terminating' } }, manager: 'ctrl', apiVersion: 'v1', now: T1, subresource: 'status', rt: NS });
    expect(entry(st, 'ctrl', 'Update')).toEqual({
      manager: 'ctrl',
      operation: 'Update',
      apiVersion: 'v1',
      time: T1,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': { 'f:phase': {} } },
      subresource: 'status',
    });
    expect(entry(st, 'kubectl-create', 'Update')?.fieldsV1).toEqual({ 'f:spec': { '.': {}, 'f:finalizers': {} } });
    // same manager on the main resource is a separate entry
    const main = recordUpdate({ before: st, after: { ...st, spec: { finalizers: [] } }, manager: 'ctrl', apiVersion: 'v1', now: T2, rt: NS });
    expect(entries(main).filter((e) => e.manager === 'ctrl').map((e) => [e.subresource ?? '', e.time])).toEqual([
      ['status', T1],
      ['', T2],
    ]);
  });

  it('a write that changes nothing keeps managedFields as they were', () => {
    const a = recordUpdate({ before: null, after: stored(cm({ k1: 'v1' })), manager: 'a', apiVersion: 'v1', now: T0, rt: CM });
    const again = recordUpdate({ before: a, after: a, manager: 'a', apiVersion: 'v1', now: T2, rt: CM });
    expect(again).toEqual(a);
  });

  it('managedFields sent by the client replace the stored ones; [{}] clears them', () => {
    const a = recordUpdate({ before: null, after: stored(cm({ k1: 'v1' })), manager: 'a', apiVersion: 'v1', now: T0, rt: CM });
    const cleared = recordUpdate({ before: a, after: { ...a, metadata: { ...(a.metadata as Obj), managedFields: [{}] }, data: { k1: 'v1', k2: 'x' } }, manager: 'b', apiVersion: 'v1', now: T1, rt: CM });
    expect(entries(cleared).map((e) => e.manager)).toEqual(['b']);
  });
});

describe('applyServerSide', () => {
  // kubectl apply (client-side) creates the object, then kubectl apply --server-side changes data.k1
  const csa = recordUpdate({
    before: null,
    after: stored(cm({ k1: 'v1', k2: 'v2' }, { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } })),
    manager: 'kubectl-client-side-apply',
    apiVersion: 'v1',
    now: T0,
    rt: CM,
  });

  it('apply without force on a field owned by another manager is a 409 FieldManagerConflict', () => {
    const e = catchErr(() =>
      applyServerSide({ live: csa, intent: cm({ k1: 'v1-changed', k2: 'v2' }), manager: 'kubectl', force: false, apiVersion: 'v1', rt: CM, now: T1 }),
    );
    expect(e.code).toBe(409);
    expect(e.status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.k1',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using v1', field: '.data.k1' }] },
      code: 409,
    });
  });

  it('several conflicts are listed per manager', () => {
    const e = catchErr(() =>
      applyServerSide({ live: csa, intent: cm({ k1: 'x', k2: 'y' }), manager: 'kubectl', force: false, apiVersion: 'v1', rt: CM, now: T1 }),
    );
    expect(e.message).toBe('Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using v1:\n- .data.k1\n- .data.k2');
    expect(e.status.details?.causes).toHaveLength(2);
  });

  it('force moves ownership to the applier', () => {
    const r = applyServerSide({ live: csa, intent: cm({ k1: 'v1-changed' }), manager: 'kubectl', force: true, apiVersion: 'v1', rt: CM, now: T1 });
    expect(r.object.data).toEqual({ k1: 'v1-changed', k2: 'v2' });
    expect(r.conflicts).toEqual([{ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'v1', field: '.data.k1' }]);
    expect(entry(r.object, 'kubectl', 'Apply')).toEqual({
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'v1',
      time: T1,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:data': { 'f:k1': {} } },
    });
    expect(entry(r.object, 'kubectl-client-side-apply', 'Update')?.fieldsV1).toEqual({
      'f:data': { '.': {}, 'f:k2': {} },
      'f:metadata': { 'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} } },
    });
    // Apply entries sort before Update entries
    expect(entries(r.object).map((e) => e.operation)).toEqual(['Apply', 'Update']);
    // server metadata of the live object survives
    expect(r.object.metadata).toMatchObject({ uid: 'u-1', resourceVersion: '5', creationTimestamp: T0, name: 'c', namespace: 'default' });
    expect(r.created).toBe(false);
  });

  it('an equal value is shared, not a conflict', () => {
    const r = applyServerSide({ live: csa, intent: cm({ k1: 'v1' }), manager: 'kubectl', force: false, apiVersion: 'v1', rt: CM, now: T1 });
    expect(r.conflicts).toBeUndefined();
    expect(entry(r.object, 'kubectl', 'Apply')?.fieldsV1).toEqual({ 'f:data': { 'f:k1': {} } });
    expect(entry(r.object, 'kubectl-client-side-apply', 'Update')?.fieldsV1).toMatchObject({ 'f:data': { 'f:k1': {}, 'f:k2': {} } });
  });

  it('create: live null gives one Apply entry', () => {
    const r = applyServerSide({ live: null, intent: cm({ k1: 'v1' }, { labels: { a: 'x' } }), manager: 'kubectl', force: false, apiVersion: 'v1', rt: CM, now: T0 });
    expect(r.created).toBe(true);
    expect(r.object).toEqual({
      ...cm({ k1: 'v1' }, { labels: { a: 'x' } }),
      metadata: {
        name: 'c',
        namespace: 'default',
        labels: { a: 'x' },
        managedFields: [
          { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: T0, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:k1': {} }, 'f:metadata': { 'f:labels': { 'f:a': {} } } } },
        ],
      },
    });
  });

  describe('two appliers', () => {
    const first = applyServerSide({ live: null, intent: cm({ k1: 'v1', k2: 'v2' }), manager: 'a', force: false, apiVersion: 'v1', rt: CM, now: T0 }).object;
    const both = applyServerSide({ live: stored(first), intent: cm({ k1: 'v1', k3: 'v3' }), manager: 'b', force: false, apiVersion: 'v1', rt: CM, now: T1 }).object;

    it('share a field with equal values', () => {
      expect(entry(both, 'a')?.fieldsV1).toEqual({ 'f:data': { 'f:k1': {}, 'f:k2': {} } });
      expect(entry(both, 'b')?.fieldsV1).toEqual({ 'f:data': { 'f:k1': {}, 'f:k3': {} } });
    });

    it('a shared field stays when one applier drops it; a sole-owned one is removed', () => {
      const { data: _data, ...noData } = cm({});
      const r = applyServerSide({ live: both, intent: noData, manager: 'a', force: false, apiVersion: 'v1', rt: CM, now: T2 });
      expect(r.object.data).toEqual({ k1: 'v1', k3: 'v3' });
      expect(entry(r.object, 'a')).toBeUndefined();
      expect(entry(r.object, 'b')?.fieldsV1).toEqual({ 'f:data': { 'f:k1': {}, 'f:k3': {} } });
    });

    it('conflicts between appliers name the manager without apiVersion', () => {
      const e = catchErr(() => applyServerSide({ live: both, intent: cm({ k3: 'other' }), manager: 'a', force: false, apiVersion: 'v1', rt: CM, now: T2 }));
      expect(e.message).toBe('Apply failed with 1 conflict: conflict with "b": .data.k3');
    });
  });

  it('removes a field the applier dropped from its intent; an emptied map goes too', () => {
    const first = applyServerSide({ live: null, intent: cm({ k1: 'v1' }, { labels: { a: 'x' } }), manager: 'kubectl', force: false, apiVersion: 'v1', rt: CM, now: T0 }).object;
    const r = applyServerSide({ live: stored(first), intent: cm({ k1: 'v1' }), manager: 'kubectl', force: false, apiVersion: 'v1', rt: CM, now: T1 });
    expect((r.object.metadata as Obj).labels).toBeUndefined();
    expect(r.object.data).toEqual({ k1: 'v1' });
    expect(entry(r.object, 'kubectl')?.fieldsV1).toEqual({ 'f:data': { 'f:k1': {} } });
  });

  it('a no-op apply leaves the object (and managedFields time) unchanged', () => {
    const first = stored(applyServerSide({ live: null, intent: cm({ k1: 'v1' }), manager: 'kubectl', force: false, apiVersion: 'v1', rt: CM, now: T0 }).object);
    const r = applyServerSide({ live: first, intent: cm({ k1: 'v1' }), manager: 'kubectl', force: false, apiVersion: 'v1', rt: CM, now: T2 });
    expect(r.object).toEqual(first);
  });

  it('merges ownerReferences by uid and finalizers as a set', () => {
    const ref = (uid: string, name: string): Obj => ({ apiVersion: 'v1', kind: 'Pod', name, uid });
    const first = applyServerSide({
      live: null,
      intent: cm({}, { ownerReferences: [ref('u1', 'p1')], finalizers: ['f1'] }),
      manager: 'a',
      force: false,
      apiVersion: 'v1',
      rt: CM,
      now: T0,
    }).object;
    const r = applyServerSide({
      live: stored(first),
      intent: cm({}, { ownerReferences: [ref('u2', 'p2')], finalizers: ['f2'] }),
      manager: 'b',
      force: false,
      apiVersion: 'v1',
      rt: CM,
      now: T1,
    });
    const meta = r.object.metadata as Obj;
    expect(meta.ownerReferences).toEqual([ref('u1', 'p1'), ref('u2', 'p2')]);
    expect(meta.finalizers).toEqual(['f1', 'f2']);
    expect(entry(r.object, 'b')?.fieldsV1).toEqual({
      'f:data': {},
      'f:metadata': {
        'f:finalizers': { 'v:"f2"': {} },
        'f:ownerReferences': { 'k:{"uid":"u2"}': { '.': {}, 'f:apiVersion': {}, 'f:kind': {}, 'f:name': {}, 'f:uid': {} } },
      },
    });
    // changing a's item is a conflict at the item's field
    const e = catchErr(() =>
      applyServerSide({ live: r.object, intent: cm({}, { ownerReferences: [ref('u1', 'renamed')] }), manager: 'b', force: false, apiVersion: 'v1', rt: CM, now: T2 }),
    );
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "a": .metadata.ownerReferences[uid="u1"].name');
    // a drops its item: removed whole
    const dropped = applyServerSide({ live: r.object, intent: cm({}), manager: 'a', force: false, apiVersion: 'v1', rt: CM, now: T2 });
    expect((dropped.object.metadata as Obj).ownerReferences).toEqual([ref('u2', 'p2')]);
    expect((dropped.object.metadata as Obj).finalizers).toEqual(['f2']);
  });

  it('atomic lists are replaced whole', () => {
    const rt = { group: 'example.com', kind: 'Widget', subresources: [] };
    const w = (items: unknown[]): Obj => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { items } });
    const first = applyServerSide({ live: null, intent: w([1, 2]), manager: 'a', force: false, apiVersion: 'example.com/v1', rt, now: T0 }).object;
    const r = applyServerSide({ live: first, intent: w([3]), manager: 'a', force: false, apiVersion: 'example.com/v1', rt, now: T1 });
    expect(r.object.spec).toEqual({ items: [3] });
    expect(catchErr(() => applyServerSide({ live: r.object, intent: w([4]), manager: 'b', force: false, apiVersion: 'example.com/v1', rt, now: T2 })).message).toBe(
      'Apply failed with 1 conflict: conflict with "a": .spec.items',
    );
  });

  it('status subresource apply only touches status and records subresource', () => {
    const ns: Obj = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', uid: 'x' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
    const created = recordUpdate({ before: null, after: ns, manager: 'kube-apiserver', apiVersion: 'v1', now: T0, rt: NS });
    const r = applyServerSide({
      live: created,
      intent: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', labels: { ignored: 'yes' } }, spec: { finalizers: [] }, status: { phase: 'Terminating' } },
      manager: 'ctrl',
      force: false,
      apiVersion: 'v1',
      rt: NS,
      now: T1,
      subresource: 'status',
    });
    expect(r.object.status).toEqual({ phase: 'Terminating' });
    expect(r.object.spec).toEqual({ finalizers: ['kubernetes'] });
    expect((r.object.metadata as Obj).labels).toBeUndefined();
    expect(entry(r.object, 'ctrl')).toEqual({
      manager: 'ctrl',
      operation: 'Apply',
      apiVersion: 'v1',
      time: T1,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': { 'f:phase': {} } },
      subresource: 'status',
    });
    // main-resource apply ignores status for a kind with a status subresource
    const main = applyServerSide({ live: r.object, intent: { ...ns, status: { phase: 'Gone' } }, manager: 'ctrl', force: false, apiVersion: 'v1', rt: NS, now: T2 });
    expect(main.object.status).toEqual({ phase: 'Terminating' });
  });

  it('fields of an object without managedFields belong to before-first-apply', () => {
    const legacy = stored(cm({ k1: 'v1' }));
    const e = catchErr(() => applyServerSide({ live: legacy, intent: cm({ k1: 'x' }), manager: 'kubectl', force: false, apiVersion: 'v1', rt: CM, now: T1 }));
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.k1');
  });

  it('null in the intent means "not set by me"', () => {
    const first = applyServerSide({ live: null, intent: cm({ k1: 'v1', k2: 'v2' }), manager: 'a', force: false, apiVersion: 'v1', rt: CM, now: T0 }).object;
    const r = applyServerSide({ live: first, intent: { ...cm({ k1: 'v1' }), data: { k1: 'v1', k2: null } }, manager: 'a', force: false, apiVersion: 'v1', rt: CM, now: T1 });
    expect(r.object.data).toEqual({ k1: 'v1' });
  });

  it('managedFields in the intent is a 400', () => {
    const e = catchErr(() => applyServerSide({ live: null, intent: cm({}, { managedFields: [] }), manager: 'a', force: false, apiVersion: 'v1', rt: CM, now: T0 }));
    expect([e.code, e.message]).toEqual([400, 'metadata.managedFields must be nil']);
  });

  it('works with the real built-in resource types', () => {
    const rt = findResourceByKind('', 'v1', 'ConfigMap');
    if (!rt) throw new Error('no ConfigMap type');
    const r = applyServerSide({ live: null, intent: cm({ a: 'b' }), manager: 'kubectl', force: false, apiVersion: 'v1', rt, now: T0 });
    expect(decodeManagedFields(r.object)).toHaveLength(1);
  });
});

describe('field managers', () => {
  it.each([
    ['kubectl/v1.32.5 (linux/amd64) kubernetes/abc', 'kubectl'],
    ['node-fetch/1.0', 'node-fetch'],
    ['OpenAPI-Generator/22.6.0/python', 'OpenAPI-Generator'],
    ['', ''],
    [undefined, ''],
    ['a\u0001b/1', 'ab'],
    ['x'.repeat(200), 'x'.repeat(128)],
  ])('defaultFieldManager(%j) = %j', (ua, want) => {
    expect(defaultFieldManager(ua)).toBe(want);
  });

  it('resolveFieldManager prefers the parameter', () => {
    expect(resolveFieldManager('kubectl-edit', 'kubectl/v1.32')).toBe('kubectl-edit');
    expect(resolveFieldManager(undefined, 'kubectl/v1.32')).toBe('kubectl');
  });

  it('validateFieldManager', () => {
    expect(() => validateFieldManager('kubectl-client-side-apply', 'CreateOptions')).not.toThrow();
    expect(() => validateFieldManager(undefined, 'UpdateOptions')).not.toThrow();
    const missing = catchErr(() => validateFieldManager(undefined, 'PatchOptions', { apply: true }));
    expect([missing.code, missing.message]).toEqual([422, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch']);
    expect(catchErr(() => validateFieldManager('x'.repeat(129), 'CreateOptions')).message).toBe(
      'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes',
    );
    expect(catchErr(() => validateFieldManager('a\nb', 'UpdateOptions')).message).toBe(
      'UpdateOptions.meta.k8s.io "" is invalid: fieldManager: Invalid value: "a\\nb": invalid character U+000A (at position 1)',
    );
    expect(catchErr(() => validateForce(true, false)).code).toBe(422);
    expect(() => validateForce(true, true)).not.toThrow();
  });
});
