import { randomUUID } from 'node:crypto';
import { quotedWorkspaceSchema, workspaceSchemaName } from '../schemas/workspace-schema-name';
import { createStoreTestDb, StoreTestDb } from '../testing/store-test-db';
import { buildDeleteBatch } from './bulk-query.builder';
import { KubeObject } from './kube-object.types';

const ref = (o: KubeObject, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name, uid: o.metadata.uid, ...extra });
const obj = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({ metadata: { name, namespace: 'n', uid: randomUUID(), ...extra } });

describe('garbage collection by ownerReferences', () => {
  let t: StoreTestDb;
  beforeAll(async () => {
    t = await createStoreTestDb();
  });
  afterAll(async () => {
    await t.close();
  });

  it('collects dependents whose owners are all gone, to a fixpoint, marking held ones', async () => {
    const { store, id } = await t.newWorkspace();
    const live = await store.create('configmaps', obj('live'));
    const gone = await store.create('configmaps', obj('gone'));
    const onlyGone = await store.create('configmaps', obj('only-gone', { ownerReferences: [ref(gone)] }));
    await store.create('configmaps', obj('both', { ownerReferences: [ref(gone), ref(live)] }));
    const grandchild = await store.create('secrets', obj('grandchild', { ownerReferences: [ref(onlyGone)] }));
    await store.create('secrets', obj('great-grandchild', { ownerReferences: [ref(grandchild)] }));
    await store.create('configmaps', obj('held', { ownerReferences: [ref(gone)], finalizers: ['f'] }));
    await store.create('configmaps', obj('never-existed', { ownerReferences: [{ uid: randomUUID(), name: 'x', kind: 'Foo', apiVersion: 'v1' }] }));
    await store.create('configmaps', obj('of-live', { ownerReferences: [ref(live)] }));

    // A dangling owner that never existed is garbage too (G5).
    expect(await store.collectGarbage()).toBe(1);
    expect(await store.get('configmaps', 'n', 'never-existed')).toBeNull();
    await store.delete('configmaps', 'n', 'gone');
    const before = await store.currentResourceVersion();
    // batchSize 1: every batch is its own transaction, the chain needs three passes.
    expect(await store.collectGarbage({ batchSize: 1 })).toBe(4);
    const names = (await store.list('configmaps')).items.map((o) => o.metadata.name).concat((await store.list('secrets')).items.map((o) => o.metadata.name));
    expect(names.sort()).toEqual(['both', 'held', 'live', 'of-live']);
    expect((await store.get('configmaps', 'n', 'held'))?.metadata.deletionTimestamp).toBeDefined();
    const { rows } = await t.pool.query(`SELECT type, name FROM "${workspaceSchemaName(id)}".changes c WHERE c.rv > $1 ORDER BY c.rv`, [before]);
    expect(rows.map((r) => `${r.type} ${r.name}`).sort()).toEqual(['DELETED grandchild', 'DELETED great-grandchild', 'DELETED only-gone', 'MODIFIED held']);
    // Fixpoint: nothing more to do, and no revision taken for it.
    const rv = await store.currentResourceVersion();
    expect(await store.collectGarbage()).toBe(0);
    expect(await store.currentResourceVersion()).toBe(rv);
    // The batch budget bounds one call (one window of one owned object); the next call finishes.
    await store.delete('configmaps', 'n', 'live');
    const first = await store.collectGarbage({ batchSize: 1, maxBatches: 1 });
    expect(first).toBeLessThanOrEqual(1);
    expect(first + (await store.collectGarbage())).toBe(2); // both, of-live
    expect((await store.list('configmaps')).items.map((o) => o.metadata.name)).toEqual(['held']);
  });

  it('orphans dependents and lists dependents (blocking only for foreground deletion)', async () => {
    const { store, id } = await t.newWorkspace();
    const owner = await store.create('configmaps', obj('owner'));
    const other = await store.create('configmaps', obj('other'));
    await store.create('configmaps', obj('d1', { ownerReferences: [ref(owner, { blockOwnerDeletion: true, controller: true })] }));
    await store.create('secrets', obj('d2', { ownerReferences: [ref(other), { ...ref(owner), uid: owner.metadata.uid.toUpperCase() }] }));
    await store.create('configmaps', obj('d3', { ownerReferences: [ref(other)] }));

    expect((await store.dependentsOf(owner.metadata.uid)).map((o) => o.metadata.name)).toEqual(['d1', 'd2']);
    expect((await store.dependentsOf(owner.metadata.uid.toUpperCase(), { blockingOnly: true })).map((o) => o.metadata.name)).toEqual(['d1']);
    await expect(store.dependentsOf('nope')).rejects.toMatchObject({ code: 'STORE_INVALID_NAME' });

    const before = await store.currentResourceVersion();
    expect(await store.orphanDependents(owner.metadata.uid)).toBe(2);
    expect(await store.dependentsOf(owner.metadata.uid)).toEqual([]);
    const d1 = await store.get('configmaps', 'n', 'd1');
    expect(d1?.metadata.ownerReferences).toBeUndefined();
    expect(Number(d1?.metadata.resourceVersion)).toBeGreaterThan(Number(before));
    expect((await store.get('secrets', 'n', 'd2'))?.metadata.ownerReferences).toEqual([ref(other)]);
    const s = workspaceSchemaName(id);
    const { rows } = await t.pool.query(`SELECT name, owners::text[] AS owners FROM "${s}".objects WHERE name IN ('d1', 'd2') ORDER BY name`);
    expect(rows).toEqual([{ name: 'd1', owners: [] }, { name: 'd2', owners: [other.metadata.uid] }]);
    const { rows: ch } = await t.pool.query(`SELECT type, name, body FROM "${s}".changes c WHERE c.rv > $1 ORDER BY c.rv`, [before]);
    // Revisions follow uid order within a batch.
    expect(ch.map((r) => [r.type, r.name]).sort()).toEqual([['MODIFIED', 'd1'], ['MODIFIED', 'd2']]);
    expect(ch.find((r) => r.name === 'd1').body).toEqual(d1);
    // Orphaned objects are no longer garbage when the owner goes.
    await store.delete('configmaps', 'n', 'owner');
    expect(await store.collectGarbage()).toBe(0);
    expect(await store.orphanDependents(owner.metadata.uid)).toBe(0);
  });

  it('keeps owners in sync on update', async () => {
    const { store, id } = await t.newWorkspace();
    const a = await store.create('configmaps', obj('a'));
    const b = await store.create('configmaps', obj('b'));
    const d = await store.create('configmaps', obj('d', { ownerReferences: [ref(a)] }));
    await store.update('configmaps', { ...d, metadata: { ...d.metadata, ownerReferences: [ref(b)] } });
    expect((await store.dependentsOf(a.metadata.uid)).length).toBe(0);
    expect((await store.dependentsOf(b.metadata.uid)).map((o) => o.metadata.name)).toEqual(['d']);
    await store.update('configmaps', { ...d, metadata: { ...d.metadata, ownerReferences: 'garbage' } } as unknown as KubeObject);
    const { rows } = await t.pool.query(`SELECT owners::text[] AS owners FROM "${workspaceSchemaName(id)}".objects WHERE name = 'd'`);
    expect(rows).toEqual([{ owners: [] }]);
  });

  it('uses the owned-objects index and the uid index for the GC batch (EXPLAIN)', async () => {
    const { store, id } = await t.newWorkspace();
    const s = quotedWorkspaceSchema(id);
    // 5000 objects: 1000 owners, 3000 dependents (every 10th owner missing), 1000 unowned.
    await t.pool.query(
      `INSERT INTO ${s}.objects (resource, namespace, name, uid, rv, owners, body)
       SELECT 'configmaps', 'n', 'o-' || i, md5('o' || i)::uuid, 1, '{}'::uuid[], jsonb_build_object('metadata', jsonb_build_object('name', 'o-' || i))
         FROM generate_series(1, 1000) i WHERE i % 10 <> 0
       UNION ALL
       SELECT 'configmaps', 'n', 'u-' || i, gen_random_uuid(), 1, '{}'::uuid[], jsonb_build_object('metadata', jsonb_build_object('name', 'u-' || i))
         FROM generate_series(1, 1000) i
       UNION ALL
       SELECT 'pods', 'n', 'd-' || i, gen_random_uuid(), 1, ARRAY[md5('o' || (i % 1000 + 1))::uuid],
              jsonb_build_object('metadata', jsonb_build_object('name', 'd-' || i))
         FROM generate_series(1, 3000) i`,
    );
    await t.pool.query(`ANALYZE ${s}.objects`);
    const c = await t.pool.connect();
    let plan: string;
    try {
      await c.query('BEGIN');
      await c.query(`SET LOCAL ROLE ${s}`);
      const q = buildDeleteBatch(s, { kind: 'garbage' }, undefined, '1', 1000);
      const { rows } = await c.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) ${q.statement.text}`, q.values);
      plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      await c.query('ROLLBACK');
    } finally {
      c.release();
    }
    console.log(`GC batch over 5000 objects (3000 owned, 300 dangling):\n${plan}`);
    expect(plan).toMatch(/Index Scan using objects_owned_idx/);
    // The owner probe: one uid-index lookup per owned row scanned.
    expect(plan).toMatch(/Index Scan using objects_owned_idx[\s\S]*SubPlan[\s\S]*Index Only Scan using objects_uid_key/);
    // Deleting the batch goes through the uid index too: nothing walks the whole table.
    expect(plan).toMatch(/Delete on objects[\s\S]*Index Scan (using|on) objects_uid_key/);
    expect(plan).not.toMatch(/Seq Scan on objects/);
    const started = Date.now();
    expect(await store.collectGarbage()).toBe(300);
    console.log(`collectGarbage over 5000 objects: ${Date.now() - started} ms`);
    expect(await store.countObjects()).toBe(900 + 1000 + 2700);
  });
});
