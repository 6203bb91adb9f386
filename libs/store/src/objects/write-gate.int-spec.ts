import { randomUUID } from 'node:crypto';
import { createStoreTestDb, StoreTestDb } from '../testing/store-test-db';
import { KubeObject } from './kube-object.types';
import { WorkspaceStore } from './workspace-store';
import { WorkspaceWriteGate } from './write-gate';

const cm = (name: string, data: Record<string, string> = {}, uid: string = randomUUID()): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', uid },
  data,
});

/** Settles every promise; a rejection becomes its StoreError code. */
const settle = (ps: Promise<KubeObject>[]) => Promise.all(ps.map((p) => p.then((o) => o, (e: { code?: string }) => e.code ?? String(e))));

describe('WorkspaceWriteGate: writes that waited commit together (group commit)', () => {
  let t: StoreTestDb;
  beforeAll(async () => {
    t = await createStoreTestDb();
  });
  afterAll(async () => {
    await t.close();
  });

  /** One slot per workspace: the first write runs alone, the ones sent meanwhile wait and go together. */
  async function gatedWorkspace(maxBatch = 32) {
    const ws = await t.newWorkspace();
    const gate = new WorkspaceWriteGate(1, maxBatch);
    return { ...ws, gate, gated: new WorkspaceStore(t.pool, ws.id, { writeGate: gate }) };
  }

  it('creates sent at once are batched, get consecutive revisions in arrival order and one change each', async () => {
    const { store, gate, gated } = await gatedWorkspace();
    const before = Number(await store.currentResourceVersion());
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => gated.create('configmaps', cm(`c${i}`, { i: String(i) }))));
    expect(gate.stats).toEqual({ batches: 1, batchedWrites: 19, batchesRunAlone: 0 });
    expect(created.map((o) => Number(o.metadata.resourceVersion))).toEqual(Array.from({ length: 20 }, (_, i) => before + 1 + i));
    for (const [i, o] of created.entries()) expect(await store.get('configmaps', 'default', `c${i}`)).toEqual(o);
    const changes = await store.changesSince(String(before));
    expect(changes.map((c) => [c.type, c.name, c.rv])).toEqual(created.map((o) => ['ADDED', o.metadata.name, o.metadata.resourceVersion]));
    expect(await store.usage()).toMatchObject({ objects: 20 });
  });

  it('each write of a batch gets its own answer: a taken name fails alone', async () => {
    const { store, gate, gated } = await gatedWorkspace();
    await gated.create('configmaps', cm('taken'));
    const blocker = gated.create('configmaps', cm('first'));
    const rest = ['a', 'taken', 'b'].map((n) => gated.create('configmaps', cm(n)));
    const results = await settle([blocker, ...rest]);
    expect(results.map((r) => (typeof r === 'string' ? r : r.metadata.name))).toEqual(['first', 'a', 'STORE_ALREADY_EXISTS', 'b']);
    expect(gate.stats).toMatchObject({ batches: 1, batchedWrites: 3, batchesRunAlone: 0 });
    expect((await store.list('configmaps')).items.map((o) => o.metadata.name).sort()).toEqual(['a', 'b', 'first', 'taken']);
  });

  it('a batch keeps the object quota exact: the creates past it are refused', async () => {
    const { store, gate, gated } = await gatedWorkspace();
    const quota = { maxObjects: 4 };
    const results = await settle(['a', 'b', 'c', 'd', 'e', 'f'].map((n) => gated.create('configmaps', cm(n), undefined, { quota })));
    expect(results.map((r) => (typeof r === 'string' ? r : r.metadata.name))).toEqual(['a', 'b', 'c', 'd', 'STORE_QUOTA_EXCEEDED', 'STORE_QUOTA_EXCEEDED']);
    expect(gate.stats).toMatchObject({ batches: 1, batchedWrites: 5, batchesRunAlone: 0 });
    expect(await store.usage()).toMatchObject({ objects: 4 });
  });

  it('creates, updates and deletes of one object in one batch apply in order', async () => {
    const { store, gate, gated } = await gatedWorkspace();
    const blocker = gated.create('configmaps', cm('other'));
    const created = gated.create('configmaps', cm('x', { v: '1' }));
    const uid = randomUUID();
    const ops = [
      gated.create('configmaps', cm('y', { v: '1' }, uid)),
      gated.update('configmaps', cm('y', { v: '2' }, uid)),
      gated.delete('configmaps', 'default', 'y'),
      gated.update('configmaps', cm('y', { v: '3' }, uid)),
    ];
    const results = await settle([blocker, created, ...ops]);
    expect(gate.stats).toMatchObject({ batches: 1, batchedWrites: 5 });
    const [, , y1, y2, deleted, gone] = results as KubeObject[];
    expect(y1.data).toEqual({ v: '1' });
    expect(y2.data).toEqual({ v: '2' });
    expect(Number(y2.metadata.resourceVersion)).toBe(Number(y1.metadata.resourceVersion) + 1);
    expect(deleted).toMatchObject({ metadata: { name: 'y', uid }, data: { v: '2' } });
    expect(gone).toBe('STORE_NOT_FOUND');
    expect(await store.get('configmaps', 'default', 'y')).toBeNull();
    expect(await store.get('configmaps', 'default', 'x')).toMatchObject({ data: { v: '1' } });
  });

  it('a write PostgreSQL refuses fails alone: its batch is rolled back and run again one by one', async () => {
    const { store, gate, gated } = await gatedWorkspace();
    const before = Number(await store.currentResourceVersion());
    const blocker = gated.create('configmaps', cm('first'));
    // jsonb refuses a NUL character (22P05): PostgreSQL itself fails the whole transaction.
    const rest = [cm('a'), cm('bad', { v: 'nul \u0000 here' }), cm('b')].map((o) => gated.create('configmaps', o));
    const results = await settle([blocker, ...rest]);
    expect(results.map((r) => (typeof r === 'string' ? r : r.metadata.name))).toEqual(['first', 'a', 'STORE_INVALID_NAME', 'b']);
    expect(gate.stats).toEqual({ batches: 1, batchedWrites: 3, batchesRunAlone: 1 });
    // The rolled-back batch left nothing behind: three objects, three changes.
    expect((await store.list('configmaps')).items.map((o) => o.metadata.name).sort()).toEqual(['a', 'b', 'first']);
    const changes = await store.changesSince(String(before));
    expect(changes.map((c) => c.name)).toEqual(['first', 'a', 'b']);
    expect(await store.usage()).toMatchObject({ objects: 3 });
  });

  it('maxBatch bounds a batch', async () => {
    const { gate, gated } = await gatedWorkspace(4);
    await Promise.all(Array.from({ length: 10 }, (_, i) => gated.create('configmaps', cm(`m${i}`))));
    // 1 alone, then 4 + 4 + 1 waiting.
    expect(gate.stats).toEqual({ batches: 2, batchedWrites: 8, batchesRunAlone: 0 });
  });
});
