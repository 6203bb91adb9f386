import { randomUUID } from 'node:crypto';
import { workspaceSchemaName } from '../schemas/workspace-schema-name';
import { createStoreTestDb, StoreTestDb } from '../testing/store-test-db';
import { WatchHub } from '../watch/watch-hub';
import { isFinalizerHeld, KubeObject } from './kube-object.types';
import { WorkspaceStore } from './workspace-store';

const RFC3339_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const cm = (name: string, namespace: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, uid: randomUUID(), ...extra },
});

describe('WorkspaceStore bulk deletion', () => {
  let t: StoreTestDb;
  beforeAll(async () => {
    t = await createStoreTestDb();
  });
  afterAll(async () => {
    await t.close();
  });

  async function fresh(): Promise<{ store: WorkspaceStore; id: string; changes: (after?: string) => Promise<any[]> }> {
    const ws = await t.newWorkspace();
    const schema = workspaceSchemaName(ws.id);
    const changes = async (after = '0') =>
      (await t.pool.query(`SELECT rv::text, type, resource, namespace, name, body, prev_labels FROM "${schema}".changes c WHERE c.rv > $1::bigint ORDER BY c.rv`, [after])).rows;
    return { ...ws, changes };
  }

  it('deleteCollection deletes matches in batches, one revision and DELETED change per object', async () => {
    const { store, changes } = await fresh();
    for (let i = 0; i < 7; i++) await store.create('configmaps', cm(`cm-${i}`, 'a', { labels: { app: i % 2 ? 'odd' : 'even' } }));
    await store.create('configmaps', cm('cm-x', 'b', { labels: { app: 'even' } }));
    await store.create('secrets', cm('s', 'a', { labels: { app: 'even' } }));
    const before = await store.currentResourceVersion();

    // batchSize 2 forces several transactions and keyset continuation.
    const deleted = await store.deleteCollection('configmaps', { namespace: 'a', labelSelector: [{ key: 'app', op: 'in', values: ['even'] }], batchSize: 2 });
    expect(deleted.map((o) => o.metadata.name)).toEqual(['cm-0', 'cm-2', 'cm-4', 'cm-6']);
    const rvs = deleted.map((o) => Number(o.metadata.resourceVersion));
    expect(rvs).toEqual([1, 2, 3, 4].map((i) => Number(before) + i));
    expect(deleted.some(isFinalizerHeld)).toBe(false);
    expect(await store.currentResourceVersion()).toBe(String(Number(before) + 4));

    const log = await changes(before);
    expect(log.map((c) => [c.rv, c.type, c.name, c.body.metadata.resourceVersion])).toEqual(deleted.map((o) => [o.metadata.resourceVersion, 'DELETED', o.metadata.name, o.metadata.resourceVersion]));
    expect(log[0].prev_labels).toEqual({ app: 'even' });
    // Other namespace, other resource and non-matching labels are untouched.
    expect((await store.list('configmaps')).items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['a/cm-1', 'a/cm-3', 'a/cm-5', 'b/cm-x']);
    expect(await store.get('secrets', 'a', 's')).not.toBeNull();
    // Nothing left to match: no revision taken.
    expect(await store.deleteCollection('configmaps', { namespace: 'a', labelSelector: [{ key: 'app', op: 'in', values: ['even'] }] })).toEqual([]);
    expect(await store.currentResourceVersion()).toBe(String(Number(before) + 4));
  });

  it('marks finalizer-held objects with deletionTimestamp (MODIFIED) and leaves them stored', async () => {
    const { store, changes } = await fresh();
    await store.create('configmaps', cm('a', 'n'));
    const held = await store.create('configmaps', cm('b', 'n', { finalizers: ['example.com/keep'] }));
    await store.create('configmaps', cm('c', 'n', { finalizers: [], labels: { x: '1' } }));
    const graced = await store.create('configmaps', cm('d', 'n', { finalizers: ['f'], deletionGracePeriodSeconds: 30 }));
    const before = await store.currentResourceVersion();

    const out = await store.deleteCollection('configmaps', { batchSize: 3 });
    expect(out.map((o) => [o.metadata.name, isFinalizerHeld(o)])).toEqual([['a', false], ['b', true], ['c', false], ['d', true]]);
    const b = out[1];
    expect(b.metadata.deletionTimestamp).toMatch(RFC3339_SECONDS);
    expect(Math.abs(Date.parse(b.metadata.deletionTimestamp!) - Date.now())).toBeLessThan(60_000);
    expect(b.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(out[3].metadata.deletionGracePeriodSeconds).toBe(30);
    expect(b.metadata.uid).toBe(held.metadata.uid);
    expect(await store.get('configmaps', 'n', 'b')).toEqual(b);
    expect(await store.get('configmaps', 'n', 'd')).toMatchObject({ metadata: { uid: graced.metadata.uid, finalizers: ['f'] } });
    expect(await store.get('configmaps', 'n', 'a')).toBeNull();
    expect((await changes(before)).map((c) => [c.type, c.name])).toEqual([['DELETED', 'a'], ['MODIFIED', 'b'], ['DELETED', 'c'], ['MODIFIED', 'd']]);

    // Already terminating: passed over, no revision, not returned.
    const rv = await store.currentResourceVersion();
    expect(await store.deleteCollection('configmaps', { batchSize: 1 })).toEqual([]);
    expect(await store.currentResourceVersion()).toBe(rv);
    // Once the finalizer is gone a normal delete removes it (the API layer does this on update).
    await store.delete('configmaps', 'n', 'b');
  });

  it('deleteNamespaceContents empties one namespace across resources, keeping held objects', async () => {
    const { store } = await fresh();
    for (const r of ['configmaps', 'secrets', 'widgets.example.com']) {
      for (let i = 0; i < 4; i++) await store.create(r, cm(`${r}-${i}`, 'doomed'));
      await store.create(r, cm(`${r}-keep`, 'other'));
    }
    await store.create('configmaps', cm('held', 'doomed', { finalizers: ['f'] }));
    await store.create('namespaces', { metadata: { name: 'doomed', uid: randomUUID() } });

    expect(await store.deleteNamespaceContents('doomed', { batchSize: 5 })).toEqual({ deleted: 12, remaining: 1 });
    expect((await store.get('configmaps', 'doomed', 'held'))?.metadata.deletionTimestamp).toMatch(RFC3339_SECONDS);
    expect(await store.get('namespaces', '', 'doomed')).not.toBeNull();
    expect((await store.list('secrets')).items.map((o) => o.metadata.name)).toEqual(['secrets-keep']);
    expect(await store.countObjects()).toBe(1 + 3 + 1);
    // Re-running is a no-op until the finalizer goes.
    expect(await store.deleteNamespaceContents('doomed')).toEqual({ deleted: 0, remaining: 1 });
    await expect(store.deleteNamespaceContents('')).rejects.toMatchObject({ code: 'STORE_INVALID_NAME' });
  });

  it('watchers see one DELETED per object of a deleteCollection', async () => {
    const ws = await fresh();
    const hub = new WatchHub({ pool: t.pool, listenConnection: { connectionString: t.db.url }, pollIntervalMs: 60_000 });
    await hub.start();
    try {
      for (let i = 0; i < 5; i++) await ws.store.create('configmaps', cm(`w${i}`, 'n'));
      const w = hub.watch(ws.id, await ws.store.currentResourceVersion());
      const deleted = await ws.store.deleteCollection('configmaps', { batchSize: 2 });
      const got = [];
      for (let i = 0; i < 5; i++) got.push(await w.next());
      expect(got.map((e) => [e?.type, e?.name, e?.rv])).toEqual(deleted.map((o) => ['DELETED', o.metadata.name, o.metadata.resourceVersion]));
      expect(w.lastSeenRevision).toBe(deleted[4].metadata.resourceVersion);
      w.close();
    } finally {
      await hub.stop();
    }
  });

  it('runs beside single-object writers without deadlocks or revision gaps', async () => {
    const { store, changes } = await fresh();
    for (let i = 0; i < 300; i++) await store.create('configmaps', cm(`bulk-${String(i).padStart(3, '0')}`, 'x'));
    const victims = await Promise.all([
      store.deleteCollection('configmaps', { namespace: 'x', batchSize: 50 }),
      ...Array.from({ length: 20 }, (_, i) => store.create('configmaps', cm(`side-${i}`, 'y'))),
      ...Array.from({ length: 10 }, (_, i) => store.update('configmaps', { ...cm(`bulk-${String(i * 30 + 7).padStart(3, '0')}`, 'x'), data: { v: '1' } }).catch((e) => e.code)),
    ]);
    expect((victims[0] as KubeObject[]).length).toBe(300);
    const log = await changes();
    expect(log.map((c) => Number(c.rv))).toEqual(log.map((_, i) => i + 2));
    expect((await store.list('configmaps', { namespace: 'x' })).items).toEqual([]);
  });
});
