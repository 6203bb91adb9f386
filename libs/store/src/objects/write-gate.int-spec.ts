import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { quotedWorkspaceSchema, workspaceSchemaName } from '../schemas/workspace-schema-name';
import { inWorkspaceStatements, SHARED_TX_LOCK_TIMEOUT } from '../sql/workspace-tx';
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
    expect(gate.stats).toEqual({ batches: 1, batchedWrites: 19, batchesSplit: 0 });
    expect(created.map((o) => Number(o.metadata.resourceVersion))).toEqual(Array.from({ length: 20 }, (_, i) => before + 1 + i));
    for (const [i, o] of created.entries()) expect(await store.get('configmaps', 'default', `c${i}`)).toEqual(o);
    const changes = await store.changesSince(String(before));
    expect(changes.map((c) => [c.type, c.name, c.rv])).toEqual(created.map((o) => ['ADDED', o.metadata.name, o.metadata.resourceVersion]));
    expect(await store.usage()).toMatchObject({ objects: 20 });
  });

  it('each write of a batch gets its own answer: a taken name fails alone', async () => {
    const { store, gate, gated } = await gatedWorkspace();
    await gated.create('configmaps', cm('taken'));
    await new Promise((r) => setImmediate(r)); // its slot is handed back
    const blocker = gated.create('configmaps', cm('first'));
    const rest = ['a', 'taken', 'b'].map((n) => gated.create('configmaps', cm(n)));
    const results = await settle([blocker, ...rest]);
    expect(results.map((r) => (typeof r === 'string' ? r : r.metadata.name))).toEqual(['first', 'a', 'STORE_ALREADY_EXISTS', 'b']);
    expect(gate.stats).toMatchObject({ batches: 1, batchedWrites: 3, batchesSplit: 0 });
    expect((await store.list('configmaps')).items.map((o) => o.metadata.name).sort()).toEqual(['a', 'b', 'first', 'taken']);
  });

  it('a batch keeps the object quota exact: the creates past it are refused', async () => {
    const { store, gate, gated } = await gatedWorkspace();
    const quota = { maxObjects: 4 };
    const results = await settle(['a', 'b', 'c', 'd', 'e', 'f'].map((n) => gated.create('configmaps', cm(n), undefined, { quota })));
    expect(results.map((r) => (typeof r === 'string' ? r : r.metadata.name))).toEqual(['a', 'b', 'c', 'd', 'STORE_QUOTA_EXCEEDED', 'STORE_QUOTA_EXCEEDED']);
    expect(gate.stats).toMatchObject({ batches: 1, batchedWrites: 5, batchesSplit: 0 });
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
    expect(gate.stats).toEqual({ batches: 1, batchedWrites: 3, batchesSplit: 1 });
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
    expect(gate.stats).toEqual({ batches: 2, batchedWrites: 8, batchesSplit: 0 });
  });

  describe('with a bound on transactions across workspaces', () => {
    it('writes of several workspaces that waited commit in one transaction, each as its own workspace', async () => {
      const gate = new WorkspaceWriteGate(1, 32, 1);
      const [a, b, c] = await Promise.all([t.newWorkspace(), t.newWorkspace(), t.newWorkspace()]);
      const on = (w: { id: string }) => new WorkspaceStore(t.pool, w.id, { writeGate: gate });
      const before = await Promise.all([a, b, c].map((w) => w.store.currentResourceVersion()));
      const results = await Promise.all([
        on(a).create('configmaps', cm('first')),
        on(b).create('configmaps', cm('same', { of: 'b' })),
        on(c).create('configmaps', cm('same', { of: 'c' })),
        on(b).create('configmaps', cm('other', { of: 'b' })),
      ]);
      // a's write took the one transaction; b's and c's first writes waited for it together (b's
      // second waited in b's lane, one transaction per workspace at a time).
      expect(gate.stats).toEqual({ batches: 1, batchedWrites: 2, batchesSplit: 0 });
      expect(results.map((o) => o.data)).toEqual([{}, { of: 'b' }, { of: 'c' }, { of: 'b' }]);
      expect(await b.store.get('configmaps', 'default', 'same')).toMatchObject({ data: { of: 'b' } });
      expect(await c.store.get('configmaps', 'default', 'same')).toMatchObject({ data: { of: 'c' } });
      expect(await a.store.get('configmaps', 'default', 'same')).toBeNull();
      // Each workspace's revisions and change log hold its own writes only.
      const changes = await Promise.all([a, b, c].map((w, i) => w.store.changesSince(before[i])));
      expect(changes.map((cs) => cs.map((ch) => ch.name))).toEqual([['first'], ['same', 'other'], ['same']]);
    });

    it('a workspace whose statement fails does not fail the others it shared a transaction with', async () => {
      const gate = new WorkspaceWriteGate(1, 32, 1);
      const [a, b] = await Promise.all([t.newWorkspace(), t.newWorkspace()]);
      const ghost = new WorkspaceStore(t.pool, randomUUID(), { writeGate: gate }); // no role, no schema
      const results = await settle([
        new WorkspaceStore(t.pool, a.id, { writeGate: gate }).create('configmaps', cm('first')),
        new WorkspaceStore(t.pool, b.id, { writeGate: gate }).create('configmaps', cm('b')),
        ghost.create('configmaps', cm('g')),
        new WorkspaceStore(t.pool, a.id, { writeGate: gate }).create('configmaps', cm('a')),
      ]);
      expect(results.map((r) => (typeof r === 'string' ? r : r.metadata.name))).toEqual(['first', 'b', 'STORE_UNAVAILABLE', 'a']);
      expect(gate.stats).toMatchObject({ batchesSplit: 1 });
      expect((await b.store.list('configmaps')).items.map((o) => o.metadata.name)).toEqual(['b']);
    });

    it('a workspace waiting on a lock of its own holds up the others it shared a transaction with only briefly', async () => {
      const gate = new WorkspaceWriteGate(1, 32, 1);
      const [a, b, c] = await Promise.all([t.newWorkspace(), t.newWorkspace(), t.newWorkspace()]);
      const on = (w: { id: string }) => new WorkspaceStore(t.pool, w.id, { writeGate: gate });
      // Someone holds b's revision row (as a long write transaction of b would).
      const holder = await t.pool.connect();
      try {
        await holder.query(`BEGIN; SELECT rv FROM ${quotedWorkspaceSchema(b.id)}.meta FOR UPDATE`);
        const first = on(a).create('configmaps', cm('first'));
        const blocked = on(b).create('configmaps', cm('blocked'));
        const free = on(c).create('configmaps', cm('free'));
        let blockedDone = false;
        void blocked.then(() => (blockedDone = true), () => (blockedDone = true));
        // b and c waited for the one transaction together; b's lock wait failed it after the lock
        // timeout, and c's write went ahead in a transaction of its own while b still waits.
        await expect(Promise.all([first, free])).resolves.toHaveLength(2);
        expect(blockedDone).toBe(false);
        expect(gate.stats).toMatchObject({ batches: 1, batchedWrites: 2, batchesSplit: 1 });
        await holder.query('COMMIT');
        await expect(blocked).resolves.toMatchObject({ metadata: { name: 'blocked' } });
      } finally {
        holder.release();
      }
    });

    it('the lock timeout ends with its transaction', async () => {
      const [a, b] = await Promise.all([t.newWorkspace(), t.newWorkspace()]);
      const one = new Pool({ connectionString: t.db.url, max: 1 });
      try {
        const probe = { name: 'probe', text: `SELECT current_setting('lock_timeout') AS lt, current_user AS who` };
        const on = (id: string) => ({ schema: quotedWorkspaceSchema(id), stmt: probe, values: [] });
        const rows = await inWorkspaceStatements<{ lt: string; who: string }>(one, [on(a.id), on(b.id)]);
        expect(rows).toEqual([[{ lt: SHARED_TX_LOCK_TIMEOUT, who: workspaceSchemaName(a.id) }], [{ lt: SHARED_TX_LOCK_TIMEOUT, who: workspaceSchemaName(b.id) }]]);
        // One workspace's statements alone wait as long as they must; the setting did not outlive its transaction.
        expect(await inWorkspaceStatements(one, [on(a.id), on(a.id)])).toEqual(Array(2).fill([{ lt: '0', who: workspaceSchemaName(a.id) }]));
        expect((await one.query('SHOW lock_timeout')).rows).toEqual([{ lock_timeout: '0' }]);
      } finally {
        await one.end();
      }
    });

    it('transactions that span workspaces take their revision rows in one order: no deadlock under load', async () => {
      const gate = new WorkspaceWriteGate(2, 4, 3);
      const spaces = await Promise.all(Array.from({ length: 5 }, () => t.newWorkspace()));
      const stores = spaces.map((w) => new WorkspaceStore(t.pool, w.id, { writeGate: gate }));
      // Workspaces in a shuffled order, so batches of different transactions meet them in different orders.
      const picks = Array.from({ length: 200 }, (_, i) => (i * 7 + (i >> 3)) % 5);
      await Promise.all(picks.map((w, i) => stores[w].create('configmaps', cm(`o${i}`))));
      expect(gate.stats.batches).toBeGreaterThan(0);
      // A deadlock would have failed a transaction, run again write by write.
      expect(gate.stats.batchesSplit).toBe(0);
      const counts = await Promise.all(spaces.map(async (w) => (await w.store.usage()).objects));
      expect(counts).toEqual([0, 1, 2, 3, 4].map((w) => picks.filter((p) => p === w).length));
    });
  });
});
