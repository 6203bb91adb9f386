import { randomUUID } from 'node:crypto';
import { createStoreTestDb, StoreTestDb } from '../testing/store-test-db';
import { WorkspaceSchemas } from '../schemas/workspace-schemas';
import { workspaceSchemaName } from '../schemas/workspace-schema-name';
import { WorkspaceStore } from './workspace-store';
import { WORKSPACE_WRITES, WorkspaceWrite, WriteGate, WriteRows } from './write-gate';
import { KubeObject } from './kube-object.types';

const cm = (name: string, extra: Partial<KubeObject['metadata']> = {}, data: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', uid: randomUUID(), ...extra },
  data,
});

describe('WorkspaceStore CRUD', () => {
  let t: StoreTestDb;
  let store: WorkspaceStore;
  let schema: string;
  beforeAll(async () => {
    t = await createStoreTestDb();
    const ws = await t.newWorkspace();
    store = ws.store;
    schema = workspaceSchemaName(ws.id);
  });
  afterAll(async () => {
    await t.close();
  });

  const changes = async () =>
    (await t.pool.query(`SELECT rv::text, type, resource, namespace, name, body, fields, prev_labels, prev_fields FROM "${schema}".changes c ORDER BY c.rv`)).rows;

  it('creates, gets, updates and deletes with revisions and change rows', async () => {
    const rv0 = await store.currentResourceVersion();
    expect(rv0).toBe('1');
    const created = await store.create('configmaps', cm('a', { labels: { app: 'x' } }, { k: 'v' }), { foo: 'bar' });
    expect(created.metadata.resourceVersion).toBe('2');
    expect(await store.get('configmaps', 'default', 'a')).toEqual(created);
    expect(await store.get('configmaps', 'default', 'nope')).toBeNull();
    expect(await store.get('configmaps', 'other', 'a')).toBeNull();
    expect(await store.get('secrets', 'default', 'a')).toBeNull();

    const updated = await store.update('configmaps', { ...created, data: { k: 'v2' }, metadata: { ...created.metadata, labels: { app: 'y' } } }, { foo: 'baz' }, {
      expectedResourceVersion: '2',
    });
    expect(updated.metadata.resourceVersion).toBe('3');
    expect(updated.data).toEqual({ k: 'v2' });

    const deleted = await store.delete('configmaps', 'default', 'a', { expectedResourceVersion: '3', expectedUid: created.metadata.uid });
    expect(deleted.metadata.resourceVersion).toBe('4');
    expect(deleted.data).toEqual({ k: 'v2' });
    expect(await store.get('configmaps', 'default', 'a')).toBeNull();
    expect(await store.currentResourceVersion()).toBe('4');

    const log = await changes();
    expect(log.map((c) => [c.rv, c.type, c.name, c.body.metadata.resourceVersion])).toEqual([
      ['2', 'ADDED', 'a', '2'],
      ['3', 'MODIFIED', 'a', '3'],
      ['4', 'DELETED', 'a', '4'],
    ]);
    expect(log[0]).toMatchObject({ fields: { foo: 'bar' }, prev_labels: null, prev_fields: null });
    expect(log[1]).toMatchObject({ fields: { foo: 'baz' }, prev_labels: { app: 'x' }, prev_fields: { foo: 'bar' } });
    expect(log[2]).toMatchObject({ prev_labels: { app: 'y' }, prev_fields: { foo: 'baz' } });
  });

  it('reports AlreadyExists without consuming a revision', async () => {
    const first = await store.create('configmaps', cm('dup'));
    const before = await store.currentResourceVersion();
    await expect(store.create('configmaps', cm('dup'))).rejects.toMatchObject({ code: 'STORE_ALREADY_EXISTS' });
    // Same uid under another name is a duplicate too (uid is unique in the workspace).
    await expect(store.create('configmaps', cm('dup2', { uid: first.metadata.uid }))).rejects.toMatchObject({ code: 'STORE_ALREADY_EXISTS' });
    expect(await store.currentResourceVersion()).toBe(before);
    // Same name in another namespace, another resource, or cluster-scoped is fine.
    await store.create('configmaps', cm('dup', { namespace: 'other' }));
    await store.create('secrets', cm('dup'));
    await store.create('namespaces', { metadata: { name: 'dup', uid: randomUUID() } });
    expect(await store.get('namespaces', '', 'dup')).toMatchObject({ metadata: { name: 'dup' } });
  });

  it('reports Conflict on a stale resourceVersion and NotFound on a missing object', async () => {
    const a = await store.create('configmaps', cm('c1'));
    const b = await store.update('configmaps', { ...a, data: { x: '1' } });
    await expect(store.update('configmaps', { ...a, data: { x: '2' } }, undefined, { expectedResourceVersion: a.metadata.resourceVersion })).rejects.toMatchObject({
      code: 'STORE_CONFLICT',
    });
    await expect(store.delete('configmaps', 'default', 'c1', { expectedResourceVersion: a.metadata.resourceVersion })).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    await expect(store.delete('configmaps', 'default', 'c1', { expectedUid: randomUUID() })).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    expect(await store.get('configmaps', 'default', 'c1')).toEqual(b);
    await expect(store.update('configmaps', cm('missing'))).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
    await expect(store.delete('configmaps', 'default', 'missing')).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
  });

  it('keeps the revision and writes no change row for an update that changes nothing', async () => {
    const a = await store.create('configmaps', cm('noop', { labels: { l: '1' } }, { d: '1' }), { f: '1' });
    const rv = await store.currentResourceVersion();
    const n = (await changes()).length;
    // Key order and a missing resourceVersion in the request do not count as changes.
    const { resourceVersion: _omit, ...md } = a.metadata;
    const same = await store.update('configmaps', { data: { d: '1' }, metadata: md, kind: 'ConfigMap', apiVersion: 'v1' }, { f: '1' });
    expect(same).toEqual(a);
    expect(await store.currentResourceVersion()).toBe(rv);
    expect((await changes()).length).toBe(n);
    // A change of only the selectable fields is a change.
    const changed = await store.update('configmaps', a, { f: '2' });
    expect(Number(changed.metadata.resourceVersion)).toBe(Number(rv) + 1);
  });

  it('keeps the stored uid on update and indexes owner uids', async () => {
    const owner = randomUUID();
    const a = await store.create('configmaps', cm('owned', { ownerReferences: [{ uid: owner }, { uid: 'not-a-uuid' }] }));
    const u = await store.update('configmaps', { ...a, metadata: { ...a.metadata, uid: randomUUID() }, data: { z: '1' } });
    expect(u.metadata.uid).toBe(a.metadata.uid);
    const { rows } = await t.pool.query(`SELECT name, uid::text FROM "${schema}".objects WHERE owners @> ARRAY[$1]::uuid[]`, [owner]);
    expect(rows).toEqual([{ name: 'owned', uid: a.metadata.uid }]);
  });

  it('stores hostile names, namespaces and labels literally', async () => {
    const hostile = [`o'brien`, `x"; DROP TABLE objects; --`, 'ünï-cødé-名前-🚀', `a\\b`, `$1`, `' OR '1'='1`];
    for (const [i, name] of hostile.entries()) {
      await store.create('hostile.example.com', { metadata: { name, namespace: hostile[(i + 1) % hostile.length], uid: randomUUID(), labels: { [name]: name, 'k?': `v'` } } }, { [name]: name });
    }
    for (const [i, name] of hostile.entries()) {
      const ns = hostile[(i + 1) % hostile.length];
      expect(await store.get('hostile.example.com', ns, name)).toMatchObject({ metadata: { name, namespace: ns } });
      const sel = await store.list('hostile.example.com', { labelSelector: [{ key: name, op: 'in', values: [name] }], fieldSelector: [{ field: name, op: 'eq', value: name }] });
      expect(sel.items.map((o) => o.metadata.name)).toEqual([name]);
      const byName = await store.list('hostile.example.com', { fieldSelector: [{ field: 'metadata.name', op: 'eq', value: name }, { field: 'metadata.namespace', op: 'eq', value: ns }] });
      expect(byName.items.map((o) => o.metadata.name)).toEqual([name]);
    }
    const q = await store.list('hostile.example.com', { labelSelector: [{ key: 'k?', op: 'in', values: [`v'`] }] });
    expect(q.items).toHaveLength(hostile.length);
    expect(await store.countObjects()).toBeGreaterThanOrEqual(hostile.length);
  });

  it('createAbsent seeds many objects in one statement, in order, leaving existing ones alone', async () => {
    const { store: fresh, id } = await t.newWorkspace();
    await fresh.create('namespaces', { metadata: { name: 'kube-system', uid: randomUUID() } });
    const objects: { resource: string; object: KubeObject }[] = ['default', 'kube-system', 'kube-public'].map((name) => ({ resource: 'namespaces', object: { metadata: { name, uid: randomUUID(), labels: { n: name } } } }));
    objects.push({ resource: 'configmaps', object: { metadata: { name: 'cfg', namespace: 'default', uid: randomUUID(), labels: { n: 'cfg' } } } });
    expect(await fresh.createAbsent(objects)).toBe(3);
    expect(await fresh.createAbsent(objects)).toBe(0); // a retry creates nothing twice
    const all = (await fresh.list('namespaces')).items.map((o) => [o.metadata.name, o.metadata.resourceVersion]);
    expect(all).toEqual([['default', '3'], ['kube-public', '4'], ['kube-system', '2']]);
    expect((await fresh.get('configmaps', 'default', 'cfg'))?.metadata.resourceVersion).toBe('5');
    expect((await fresh.list('namespaces', { labelSelector: [{ key: 'n', op: 'in', values: ['kube-public'] }] })).items).toHaveLength(1);
    expect(await fresh.currentResourceVersion()).toBe('5');
    expect(await fresh.usage()).toMatchObject({ objects: 4 });
    const { rows } = await t.pool.query(`SELECT rv::text, type, name FROM "${workspaceSchemaName(id)}".changes c ORDER BY c.rv`);
    expect(rows).toEqual([
      { rv: '2', type: 'ADDED', name: 'kube-system' },
      { rv: '3', type: 'ADDED', name: 'default' },
      { rv: '4', type: 'ADDED', name: 'kube-public' },
      { rv: '5', type: 'ADDED', name: 'cfg' },
    ]);
  });

  it('rejects invalid input with STORE_INVALID_NAME', async () => {
    await expect(store.create('configmaps', { metadata: { name: '', uid: randomUUID() } })).rejects.toMatchObject({ code: 'STORE_INVALID_NAME' });
    await expect(store.create('configmaps', { metadata: { name: 'x', uid: 'nope' } })).rejects.toMatchObject({ code: 'STORE_INVALID_NAME' });
    await expect(store.create('', cm('x'))).rejects.toMatchObject({ code: 'STORE_INVALID_NAME' });
    expect(() => new WorkspaceStore(t.pool, 'not-a-uuid')).toThrow(expect.objectContaining({ code: 'STORE_INVALID_NAME' }));
  });

  it('reports an unprovisioned workspace as STORE_UNAVAILABLE', async () => {
    const ghost = new WorkspaceStore(t.pool, randomUUID());
    await expect(ghost.get('configmaps', 'default', 'a')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    // Role without schema (half-provisioned).
    const id = t.track(randomUUID());
    await new WorkspaceSchemas(t.pool).ensureRole(id);
    await expect(new WorkspaceStore(t.pool, id).create('configmaps', cm('a'))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('single-object writes go through the write gate it is given, concurrent ones one revision each', async () => {
    const ws = await t.newWorkspace();
    const seen: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    class CountingGate extends WriteGate<WorkspaceWrite, WriteRows> {
      override run(workspaceId: string, write: WorkspaceWrite): Promise<WriteRows> {
        seen.push(workspaceId);
        return super.run(workspaceId, write);
      }
    }
    const counted = async (w: WorkspaceWrite) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        return await WORKSPACE_WRITES.one(w);
      } finally {
        inFlight--;
      }
    };
    const gate = new CountingGate({ ...WORKSPACE_WRITES, one: counted }, 2);
    const gated = new WorkspaceStore(t.pool, ws.id.toUpperCase(), { writeGate: gate });
    const created = await Promise.all(Array.from({ length: 12 }, (_, i) => gated.create('configmaps', cm(`g${i}`))));
    expect(new Set(created.map((o) => o.metadata.resourceVersion)).size).toBe(12);
    expect(maxInFlight).toBe(2);
    const updated = await gated.update('configmaps', { ...created[0], data: { k: 'v2' } });
    await gated.delete('configmaps', 'default', 'g1');
    expect(await gated.get('configmaps', 'default', 'g0')).toEqual(updated);
    // Keyed by the canonical id, so every spelling of a workspace shares one lane.
    expect(seen).toEqual(Array(14).fill(ws.id.toLowerCase()));
    expect(gate.busyWorkspaces).toBe(0);
  });
});
