import { randomUUID } from 'node:crypto';
import { workspaceSchemaName } from '../schemas/workspace-schema-name';
import { isStoreError, StoreError } from '../store.errors';
import { createStoreTestDb, StoreTestDb } from '../testing/store-test-db';
import { KubeObject } from './kube-object.types';
import { WorkspaceStore } from './workspace-store';

const cm = (name: string, namespace: string, extra: Record<string, unknown> = {}, data: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, uid: randomUUID(), ...extra },
  data,
});

describe('WorkspaceStore usage counters and quotas', () => {
  let t: StoreTestDb;
  beforeAll(async () => {
    t = await createStoreTestDb(40);
  });
  afterAll(async () => {
    await t.close();
  });

  /** The counters must always equal a full scan. */
  async function expectExact(id: string, store: WorkspaceStore): Promise<{ objects: number; storageBytes: number }> {
    const s = workspaceSchemaName(id);
    const { rows } = await t.pool.query(`SELECT count(*)::int AS n, coalesce(sum(octet_length(body::text)), 0)::bigint::text AS b FROM "${s}".objects`);
    const usage = await store.usage();
    expect(usage).toEqual({ objects: rows[0].n, storageBytes: Number(rows[0].b) });
    return usage;
  }

  async function quotaError(p: Promise<unknown>): Promise<StoreError> {
    try {
      await p;
    } catch (err) {
      if (isStoreError(err, 'STORE_QUOTA_EXCEEDED')) return err;
      throw err;
    }
    throw new Error('expected STORE_QUOTA_EXCEEDED');
  }

  it('starts at zero and counts creates, updates and deletes exactly', async () => {
    const { id, store } = await t.newWorkspace();
    expect(await store.usage()).toEqual({ objects: 0, storageBytes: 0 });
    const a = await store.create('configmaps', cm('a', 'default', {}, { k: 'v' }));
    await store.create('configmaps', cm('b', 'default'));
    await store.create('secrets', cm('s', 'default'));
    const u1 = await expectExact(id, store);
    expect(u1.objects).toBe(3);
    await store.update('configmaps', { ...a, data: { k: 'x'.repeat(1000) } });
    const u2 = await expectExact(id, store);
    expect(u2.storageBytes).toBeGreaterThan(u1.storageBytes + 900);
    await store.delete('configmaps', 'default', 'b');
    expect((await expectExact(id, store)).objects).toBe(2);
    expect(await store.countsByResource()).toEqual({ configmaps: 1, secrets: 1 });
  });

  it('20 concurrent creates against maxObjects 10 end with exactly 10', async () => {
    const { id, store } = await t.newWorkspace();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => store.create('configmaps', cm(`c${i}`, 'default'), undefined, { quota: { maxObjects: 10 } })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(10);
    for (const r of refused) {
      expect(isStoreError(r.reason, 'STORE_QUOTA_EXCEEDED')).toBe(true);
      expect((r.reason as StoreError).quota).toEqual({ limit: 'objects', requested: 1, used: 10, limited: 10 });
    }
    expect((await expectExact(id, store)).objects).toBe(10);
    // Revisions of refused creates were rolled back: no gaps for watchers, no change rows.
    const s = workspaceSchemaName(id);
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM "${s}".changes`)).rows[0].n).toBe(10);
  });

  it('reports the quota before the name (admission before storage), and an existing name under quota as AlreadyExists', async () => {
    const { store } = await t.newWorkspace();
    await store.create('configmaps', cm('x', 'default'), undefined, { quota: { maxObjects: 1 } });
    await expect(store.create('configmaps', cm('x', 'default'), undefined, { quota: { maxObjects: 2 } })).rejects.toMatchObject({ code: 'STORE_ALREADY_EXISTS' });
    await expect(store.create('configmaps', cm('x', 'default'), undefined, { quota: { maxObjects: 1 } })).rejects.toMatchObject({ code: 'STORE_QUOTA_EXCEEDED' });
    // null / undefined limits are unlimited
    await store.create('configmaps', cm('y', 'default'), undefined, { quota: { maxObjects: null, maxStorageBytes: null } });
  });

  it('enforces maxStorageBytes on creates and on updates that grow storage', async () => {
    const { id, store } = await t.newWorkspace();
    const quota = { maxStorageBytes: 3000 };
    const a = await store.create('configmaps', cm('a', 'default', {}, { d: 'x'.repeat(1000) }), undefined, { quota });
    const used = (await expectExact(id, store)).storageBytes;
    const err = await quotaError(store.create('configmaps', cm('b', 'default', {}, { d: 'x'.repeat(2500) }), undefined, { quota }));
    expect(err.quota).toMatchObject({ limit: 'storageBytes', used, limited: 3000 });
    expect(err.quota!.requested).toBeGreaterThan(2500);
    await store.create('configmaps', cm('small', 'default'), undefined, { quota });
    // Growth beyond the limit: refused, nothing written.
    const before = await expectExact(id, store);
    const grow = await quotaError(store.update('configmaps', { ...a, data: { d: 'x'.repeat(2900) } }, undefined, { quota }));
    expect(grow.quota).toMatchObject({ limit: 'storageBytes', used: before.storageBytes, limited: 3000, requested: 1900 });
    expect(await expectExact(id, store)).toEqual(before);
    expect((await store.get('configmaps', 'default', 'a'))!.data).toEqual({ d: 'x'.repeat(1000) });
    // Shrinking always passes, even when over the limit.
    await store.update('configmaps', { ...a, data: { d: 'x'.repeat(10) } }, undefined, { quota: { maxStorageBytes: 1 } });
    expect((await expectExact(id, store)).storageBytes).toBeLessThan(before.storageBytes);
  });

  it('lowering a quota below usage blocks new objects and deletes nothing', async () => {
    const { id, store } = await t.newWorkspace();
    for (let i = 0; i < 5; i++) await store.create('configmaps', cm(`c${i}`, 'default'), undefined, { quota: { maxObjects: 10 } });
    const err = await quotaError(store.create('configmaps', cm('n', 'default'), undefined, { quota: { maxObjects: 3 } }));
    expect(err.quota).toEqual({ limit: 'objects', requested: 1, used: 5, limited: 3 });
    expect((await expectExact(id, store)).objects).toBe(5);
    expect((await store.list('configmaps')).items).toHaveLength(5);
    // Updates and deletes still work; below the limit again, creates pass.
    const c0 = (await store.get('configmaps', 'default', 'c0'))!;
    await store.update('configmaps', { ...c0, metadata: { ...c0.metadata, labels: { a: 'b' } } }, undefined, { quota: { maxObjects: 3 } });
    for (const n of ['c0', 'c1', 'c2']) await store.delete('configmaps', 'default', n);
    await store.create('configmaps', cm('n', 'default'), undefined, { quota: { maxObjects: 3 } });
    expect((await expectExact(id, store)).objects).toBe(3);
  });

  it('stays exact through deleteCollection (with finalizer marks), namespace contents, CRD purge, GC and orphaning', async () => {
    const { id, store } = await t.newWorkspace();
    for (let i = 0; i < 9; i++) await store.create('configmaps', cm(`c${i}`, 'a', { labels: { app: i % 2 ? 'odd' : 'even' } }));
    await store.create('configmaps', cm('held', 'a', { labels: { app: 'even' }, finalizers: ['x/y'] }));
    await expectExact(id, store);
    await store.deleteCollection('configmaps', { namespace: 'a', labelSelector: [{ key: 'app', op: 'in', values: ['even'] }], batchSize: 2 });
    expect((await expectExact(id, store)).objects).toBe(5); // 4 odd + held (marked, body grew)
    const held = (await store.get('configmaps', 'a', 'held'))!;
    expect(held.metadata.deletionTimestamp).toBeDefined();

    for (let i = 0; i < 4; i++) await store.create('secrets', cm(`s${i}`, 'b'));
    await store.create('configmaps', cm('keep', 'c'));
    const ns = await store.deleteNamespaceContents('b', { batchSize: 3 });
    expect(ns).toEqual({ deleted: 4, remaining: 0 });
    expect((await expectExact(id, store)).objects).toBe(6);

    for (let i = 0; i < 5; i++) await store.create('widgets.example.com', cm(`w${i}`, i % 2 ? 'a' : 'c'));
    expect((await expectExact(id, store)).objects).toBe(11);
    expect(await store.deleteAllOfResource('widgets.example.com', { batchSize: 2 })).toEqual({ deleted: 5, remaining: 0 });
    expect((await expectExact(id, store)).objects).toBe(6);

    // GC: dependents of a deleted owner go; orphaning rewrites bodies (storage shrinks).
    const owner = await store.create('configmaps', cm('owner', 'g'));
    const owner2 = await store.create('configmaps', cm('owner2', 'g'));
    const ref = (o: KubeObject) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name, uid: o.metadata.uid });
    for (let i = 0; i < 3; i++) await store.create('configmaps', cm(`dep${i}`, 'g', { ownerReferences: [ref(owner)] }));
    for (let i = 0; i < 2; i++) await store.create('configmaps', cm(`orph${i}`, 'g', { ownerReferences: [ref(owner2)] }));
    const before = await expectExact(id, store);
    expect(await store.orphanDependents(owner2.metadata.uid!)).toBe(2);
    expect((await expectExact(id, store)).storageBytes).toBeLessThan(before.storageBytes);
    await store.delete('configmaps', 'g', 'owner');
    expect(await store.collectGarbage({ batchSize: 2 })).toBe(3);
    expect((await expectExact(id, store)).objects).toBe(before.objects - 4);

    // Finalizer removed: the held object finally goes.
    await store.update('configmaps', { ...held, metadata: { ...held.metadata, finalizers: [] } });
    await store.delete('configmaps', 'a', 'held');
    await expectExact(id, store);
    expect(await store.countsByResource()).toEqual({ configmaps: (await store.usage()).objects });
  });

  it('the v4 migration backfills the counters of an existing schema', async () => {
    const { id, store } = await t.newWorkspace();
    for (let i = 0; i < 6; i++) await store.create(i % 2 ? 'secrets' : 'configmaps', cm(`o${i}`, 'default', {}, { v: 'y'.repeat(i * 100) }));
    const s = workspaceSchemaName(id);
    // Back to version 3, as a schema created before this change.
    await t.pool.query(`DROP TRIGGER objects_count_insert ON "${s}".objects`);
    await t.pool.query(`DROP TRIGGER objects_count_delete ON "${s}".objects`);
    await t.pool.query(`DROP TRIGGER objects_count_update ON "${s}".objects`);
    await t.pool.query(`DROP FUNCTION "${s}".count_objects_insert(), "${s}".count_objects_delete(), "${s}".count_objects_update()`);
    await t.pool.query(`ALTER TABLE "${s}".meta DROP COLUMN objects, DROP COLUMN storage_bytes`);
    await t.pool.query(`DROP INDEX "${s}".objects_labels_pairs_idx`); // version 6
    await t.pool.query(`DELETE FROM "${s}".schema_version WHERE version >= 4`);
    await t.schemas.applyDdl(id);
    expect((await expectExact(id, store)).objects).toBe(6);
    await store.create('configmaps', cm('after', 'default'));
    expect((await expectExact(id, store)).objects).toBe(7);
  });
});
