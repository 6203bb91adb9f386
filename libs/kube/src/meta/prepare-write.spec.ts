import { findResource, ResourceType } from '../resources';
import { KubeStatusError } from '../status';
import { markDeleting, prepareCreate, prepareUpdate } from './prepare-write';
import { checkNameMatches, validateObject, validateUpdate } from './object-validation';

const rt = (g: string, r: string): ResourceType => findResource(g, 'v1', r)!;
const cm = rt('', 'configmaps');
const ns = rt('', 'namespaces');
const secret = rt('', 'secrets');
const crd = rt('apiextensions.k8s.io', 'customresourcedefinitions');
const role = rt('rbac.authorization.k8s.io', 'roles');
const NOW = '2026-01-02T03:04:05Z';

function statusOf(fn: () => unknown): KubeStatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof KubeStatusError) return e;
    throw e;
  }
  throw new Error('no error thrown');
}

describe('prepareCreate', () => {
  it('fills namespace, uid, timestamps and strips client fields', () => {
    const input = {
      metadata: { name: 'c1', resourceVersion: '5', selfLink: '/x', uid: 'client', generation: 9, deletionTimestamp: NOW },
      data: { a: '1' },
    };
    const out = prepareCreate(cm, input, { namespaceFromUrl: 'demo', now: NOW, uid: 'u-1' });
    expect(out).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c1', namespace: 'demo', uid: 'u-1', creationTimestamp: NOW },
      data: { a: '1' },
    });
    expect(input.metadata.uid).toBe('client');
  });

  it('accepts a matching body namespace and rejects a different one', () => {
    expect(prepareCreate(cm, { metadata: { name: 'a', namespace: 'demo' } }, { namespaceFromUrl: 'demo' }).metadata).toMatchObject({ namespace: 'demo' });
    const e = statusOf(() => prepareCreate(cm, { metadata: { name: 'a', namespace: 'other' } }, { namespaceFromUrl: 'demo' }));
    expect(e.code).toBe(400);
    expect(e.message).toMatch(/does not match the namespace/);
  });

  it('rejects a mismatching kind or apiVersion', () => {
    expect(statusOf(() => prepareCreate(cm, { kind: 'Secret', metadata: { name: 'a' } }, { namespaceFromUrl: 'd' })).code).toBe(400);
    expect(statusOf(() => prepareCreate(cm, { apiVersion: 'apps/v1', metadata: { name: 'a' } }, { namespaceFromUrl: 'd' })).code).toBe(400);
    expect(statusOf(() => prepareCreate(cm, [], {})).code).toBe(400);
  });

  it('applies generateName', () => {
    const out = prepareCreate(cm, { metadata: { generateName: 'gen-' } }, { namespaceFromUrl: 'd' });
    expect((out.metadata as { name: string }).name).toMatch(/^gen-[a-z0-9]{5}$/);
  });

  it('sets generation 1 on kinds that track it and drops status on status-subresource kinds', () => {
    const out = prepareCreate(crd, { metadata: { name: 'widgets.example.com' }, spec: {}, status: { x: 1 } }, { now: NOW, uid: 'u' });
    expect(out.metadata).toEqual({ name: 'widgets.example.com', uid: 'u', creationTimestamp: NOW, generation: 1 });
    expect(out.status).toBeUndefined();
    expect((prepareCreate(cm, { metadata: { name: 'a' } }, { namespaceFromUrl: 'd' }).metadata as object)).not.toHaveProperty('generation');
  });

  it('sets namespace defaults and drops a body namespace on cluster-scoped kinds', () => {
    const out = prepareCreate(ns, { metadata: { name: 'demo', namespace: 'x', labels: { a: 'b', 'kubernetes.io/metadata.name': 'evil' } } }, { now: NOW, uid: 'u' });
    expect(out).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'demo', labels: { a: 'b', 'kubernetes.io/metadata.name': 'demo' }, uid: 'u', creationTimestamp: NOW },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
    const again = prepareCreate(ns, { metadata: { name: 'n' }, spec: { finalizers: ['kubernetes'] } });
    expect(again.spec).toEqual({ finalizers: ['kubernetes'] });
  });

  it('defaults secret type and folds stringData into data', () => {
    const out = prepareCreate(secret, { metadata: { name: 's' }, data: { a: 'MQ==' }, stringData: { k: 'v' } }, { namespaceFromUrl: 'd' });
    expect(out.type).toBe('Opaque');
    expect(out.data).toEqual({ a: 'MQ==', k: 'dg==' });
    expect(out).not.toHaveProperty('stringData');
    expect(prepareCreate(secret, { metadata: { name: 's' }, type: 'kubernetes.io/tls' }, { namespaceFromUrl: 'd' }).type).toBe('kubernetes.io/tls');
  });
});

describe('prepareUpdate', () => {
  const existingCm = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c1', namespace: 'demo', uid: 'u', creationTimestamp: NOW, resourceVersion: '7' },
    data: { a: '1' },
  };

  it('keeps server-owned metadata and the incoming resourceVersion', () => {
    const out = prepareUpdate(cm, existingCm, { metadata: { name: 'c1', resourceVersion: '7', creationTimestamp: '2000-01-01T00:00:00Z' }, data: { a: '2' } });
    expect(out).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c1', namespace: 'demo', uid: 'u', creationTimestamp: NOW, resourceVersion: '7' },
      data: { a: '2' },
    });
  });

  it('refuses a different uid (409) or namespace (400)', () => {
    expect(statusOf(() => prepareUpdate(cm, existingCm, { metadata: { name: 'c1', uid: 'other' } })).code).toBe(409);
    expect(statusOf(() => prepareUpdate(cm, existingCm, { metadata: { name: 'c1', namespace: 'x' } })).code).toBe(400);
  });

  const existingCrd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'w.e.com', uid: 'u', creationTimestamp: NOW, generation: 3 },
    spec: { group: 'e.com' },
    status: { conditions: [{ type: 'Established' }] },
  };

  it('bumps generation on spec changes only', () => {
    const same = prepareUpdate(crd, existingCrd, { metadata: { name: 'w.e.com', labels: { a: 'b' } }, spec: { group: 'e.com' } });
    expect((same.metadata as { generation: number }).generation).toBe(3);
    expect(same.status).toEqual(existingCrd.status);
    const changed = prepareUpdate(crd, existingCrd, { metadata: { name: 'w.e.com' }, spec: { group: 'f.com' } });
    expect((changed.metadata as { generation: number }).generation).toBe(4);
  });

  it('writes only status through /status', () => {
    const out = prepareUpdate(crd, existingCrd, { metadata: { name: 'w.e.com', labels: { x: 'y' }, resourceVersion: '3' }, spec: { group: 'zzz' }, status: { ok: true } }, { subresource: 'status' });
    expect(out.spec).toEqual({ group: 'e.com' });
    expect(out.status).toEqual({ ok: true });
    expect(out.metadata).toEqual({ ...existingCrd.metadata, resourceVersion: '3' });
  });

  it('keeps namespace finalizers, status and label on main updates; changes finalizers via /finalize', () => {
    const existingNs = prepareCreate(ns, { metadata: { name: 'demo' } }, { now: NOW, uid: 'u' });
    const upd = prepareUpdate(ns, existingNs, { metadata: { name: 'demo', labels: { team: 'a' } }, spec: { finalizers: [] }, status: { phase: 'Terminating' } });
    expect(upd.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(upd.status).toEqual({ phase: 'Active' });
    expect((upd.metadata as { labels: object }).labels).toEqual({ team: 'a', 'kubernetes.io/metadata.name': 'demo' });
    const fin = prepareUpdate(ns, existingNs, { metadata: { name: 'demo' }, spec: { finalizers: [] } }, { subresource: 'finalize' });
    expect(fin.spec).toEqual({ finalizers: [] });
    expect(fin.status).toEqual({ phase: 'Active' });
  });

  it('markDeleting sets deletionTimestamp once and Terminating on namespaces', () => {
    const existingNs = prepareCreate(ns, { metadata: { name: 'demo' } }, { now: NOW, uid: 'u' });
    const d = markDeleting(ns, existingNs, NOW);
    expect(d.metadata).toMatchObject({ deletionTimestamp: NOW, deletionGracePeriodSeconds: 0 });
    expect(d.status).toEqual({ phase: 'Terminating' });
    expect(markDeleting(ns, d, '2030-01-01T00:00:00Z').metadata).toMatchObject({ deletionTimestamp: NOW });
    expect((markDeleting(crd, existingCrd, NOW).metadata as { generation: number }).generation).toBe(4);
  });
});

describe('validateObject', () => {
  const base = (extra: object) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1', namespace: 'demo' }, ...extra });

  it('accepts a valid configmap', () => {
    expect(() => validateObject(cm, base({ data: { 'a.b_c-D': 'x' }, binaryData: { bin: 'AAE=' } }))).not.toThrow();
  });

  it('reports a bad name with the Kind and metadata.name field', () => {
    const e = statusOf(() => validateObject(cm, { metadata: { name: 'Bad_Name', namespace: 'demo' } }));
    expect(e.code).toBe(422);
    expect(e.message).toMatch(/^ConfigMap "Bad_Name" is invalid: \[metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    expect(e.status.details?.causes?.[0]).toMatchObject({ reason: 'FieldValueInvalid', field: 'metadata.name' });
  });

  it('requires a name and the namespace on namespaced kinds, forbids it on cluster kinds', () => {
    expect(statusOf(() => validateObject(cm, { metadata: { namespace: 'd' } })).status.details?.causes?.[0]).toMatchObject({ reason: 'FieldValueRequired', field: 'metadata.name' });
    expect(statusOf(() => validateObject(cm, { metadata: { name: 'a' } })).status.details?.causes?.[0].field).toBe('metadata.namespace');
    expect(statusOf(() => validateObject(ns, { metadata: { name: 'a', namespace: 'x' } })).status.details?.causes?.[0].reason).toBe('FieldValueForbidden');
  });

  it('allows path-segment names on RBAC kinds', () => {
    expect(() => validateObject(role, { metadata: { name: 'system:controller:x', namespace: 'd' } })).not.toThrow();
    expect(statusOf(() => validateObject(role, { metadata: { name: 'a/b', namespace: 'd' } })).code).toBe(422);
  });

  it('validates labels and annotation size', () => {
    expect(statusOf(() => validateObject(cm, base({ metadata: { name: 'c', namespace: 'd', labels: { 'bad key': 'v' } } }))).status.details?.causes?.[0].field).toBe('metadata.labels');
    expect(statusOf(() => validateObject(cm, base({ metadata: { name: 'c', namespace: 'd', labels: { k: 'v'.repeat(64) } } }))).code).toBe(422);
    expect(() => validateObject(cm, base({ metadata: { name: 'c', namespace: 'd', annotations: { a: 'x'.repeat(256 * 1024 - 1) } } }))).not.toThrow();
    const e = statusOf(() => validateObject(cm, base({ metadata: { name: 'c', namespace: 'd', annotations: { a: 'x'.repeat(256 * 1024) } } })));
    expect(e.status.details?.causes?.[0]).toMatchObject({ reason: 'FieldValueTooLong', field: 'metadata.annotations' });
  });

  it('validates finalizers and owner references', () => {
    expect(statusOf(() => validateObject(cm, base({ metadata: { name: 'c', namespace: 'd', finalizers: ['a/b', 'a/b'] } }))).status.details?.causes?.[0].reason).toBe('FieldValueDuplicate');
    const refs = [
      { apiVersion: 'v1', kind: 'X', name: 'a', uid: '1', controller: true },
      { apiVersion: 'v1', kind: 'X', name: 'b', uid: '2', controller: true },
    ];
    expect(statusOf(() => validateObject(cm, base({ metadata: { name: 'c', namespace: 'd', ownerReferences: refs } }))).code).toBe(422);
    expect(statusOf(() => validateObject(cm, base({ metadata: { name: 'c', namespace: 'd', ownerReferences: [{ kind: 'X' }] } }))).code).toBe(422);
  });

  it('validates configmap keys, duplicates and the 1 MiB limit', () => {
    expect(statusOf(() => validateObject(cm, base({ data: { 'a/b': 'x' } }))).status.details?.causes?.[0].field).toBe('data');
    expect(statusOf(() => validateObject(cm, base({ data: { '..a': 'x' } }))).code).toBe(422);
    expect(statusOf(() => validateObject(cm, base({ data: { a: 'x' }, binaryData: { a: 'AA==' } }))).status.details?.causes?.[0].reason).toBe('FieldValueDuplicate');
    expect(statusOf(() => validateObject(cm, base({ data: { a: 1 } }))).code).toBe(422);
    expect(() => validateObject(cm, base({ data: { a: 'x'.repeat(1024 * 1024 - 1) } }))).not.toThrow();
    expect(statusOf(() => validateObject(cm, base({ data: { a: 'x'.repeat(1024 * 1024) } }))).status.details?.causes?.[0].reason).toBe('FieldValueTooLong');
  });

  it('requires base64 secret values and redacts them in errors', () => {
    const s = { metadata: { name: 's', namespace: 'd' }, type: 'Opaque' };
    expect(() => validateObject(secret, { ...s, data: { k: 'dg==' } })).not.toThrow();
    const e = statusOf(() => validateObject(secret, { ...s, data: { k: 'not base64!' } }));
    expect(e.status.details?.causes?.[0].field).toBe('data[k]');
    expect(e.message).not.toContain('not base64!');
    expect(statusOf(() => validateObject(secret, { ...s, data: { k: Buffer.alloc(1024 * 1024 + 1).toString('base64') } })).code).toBe(422);
  });
});

describe('validateUpdate and checkNameMatches', () => {
  it('keeps the secret type and immutable data', () => {
    const old = { metadata: { name: 's' }, type: 'Opaque', data: { a: 'MQ==' } };
    expect(statusOf(() => validateUpdate(secret, old, { ...old, type: 'kubernetes.io/tls' })).code).toBe(422);
    expect(() => validateUpdate(secret, old, { ...old, data: {} })).not.toThrow();
    const imm = { ...old, immutable: true };
    expect(statusOf(() => validateUpdate(secret, imm, { ...imm, data: {} })).code).toBe(422);
    expect(() => validateUpdate(secret, imm, { ...imm, metadata: { name: 's', labels: { a: 'b' } } })).not.toThrow();
  });

  it('400s on a URL/body name mismatch only', () => {
    expect(() => checkNameMatches('a', 'a')).not.toThrow();
    expect(() => checkNameMatches('a', undefined)).not.toThrow();
    expect(() => checkNameMatches('a', '')).not.toThrow();
    const e = statusOf(() => checkNameMatches('a', 'b'));
    expect(e.code).toBe(400);
    expect(e.message).toBe('the name of the object (b) does not match the name on the URL (a)');
  });
});
