import { randomUUID } from 'node:crypto';
import { createStoreTestDb, StoreTestDb } from '../testing/store-test-db';
import { quoteWorkspaceSchema, workspaceSchemaName } from '../schemas/workspace-schema-name';
import * as sql from '../sql/statements';
import { inWorkspaceStatements } from '../sql/workspace-tx';

describe('change log: changesSince, compaction', () => {
  let t: StoreTestDb;
  beforeAll(async () => {
    t = await createStoreTestDb();
  });
  afterAll(async () => {
    await t.close();
  });

  it('replays changes after a revision with previous labels and fields', async () => {
    const { store } = await t.newWorkspace();
    const a = await store.create('configmaps', { metadata: { name: 'a', namespace: 'd', uid: randomUUID(), labels: { x: '1' } } }, { f: '1' });
    await store.update('configmaps', { ...a, metadata: { ...a.metadata, labels: { x: '2' } } }, { f: '2' });
    await store.delete('configmaps', 'd', 'a');
    const all = await store.changesSince('1');
    expect(all.map((c) => [c.rv, c.type, c.object.metadata.resourceVersion, c.prevLabels, c.prevFields, c.fields])).toEqual([
      ['2', 'ADDED', '2', null, null, { f: '1' }],
      ['3', 'MODIFIED', '3', { x: '1' }, { f: '1' }, { f: '2' }],
      ['4', 'DELETED', '4', { x: '2' }, { f: '2' }, { f: '2' }],
    ]);
    expect((await store.changesSince('2', 1)).map((c) => c.rv)).toEqual(['3']);
    expect(await store.changesSince('4')).toEqual([]);
    expect(await store.changesSince('99')).toEqual([]);
  });

  it('compacts by age and count and then reports STORE_EXPIRED for older revisions', async () => {
    const { id, store } = await t.newWorkspace();
    for (let i = 0; i < 10; i++) await store.create('configmaps', { metadata: { name: `c${i}`, namespace: 'd', uid: randomUUID() } });
    // rv 2..11 exist. Nothing is old enough yet: nothing is deleted.
    expect(await store.compact({ keepSeconds: 3600, keepCount: 0 })).toEqual({ deleted: 0, compactedResourceVersion: '1' });
    await t.pool.query(`UPDATE "${workspaceSchemaName(id)}".changes SET created_at = now() - interval '2 hours'`);
    // Old enough, but keep the 4 newest revisions (8..11).
    expect(await store.compact({ keepSeconds: 3600, keepCount: 4 })).toEqual({ deleted: 6, compactedResourceVersion: '7' });
    expect(await store.oldestRetainedResourceVersion()).toBe('7');
    await expect(store.changesSince('6')).rejects.toMatchObject({ code: 'STORE_EXPIRED', message: 'too old resource version: 6 (7)' });
    expect((await store.changesSince('7')).map((c) => c.rv)).toEqual(['8', '9', '10', '11']);
    // Running again changes nothing; the horizon never moves back.
    expect(await store.compact({ keepSeconds: 3600, keepCount: 4 })).toEqual({ deleted: 0, compactedResourceVersion: '7' });
    expect(await store.compact({ keepSeconds: 0, keepCount: 0 })).toEqual({ deleted: 4, compactedResourceVersion: '11' });
    expect(await store.changesSince('11')).toEqual([]);
    await expect(store.changesSince('abc')).rejects.toMatchObject({ code: 'STORE_EXPIRED' });
  });

  it("stamps a change with the time it was written, not its transaction's start (writes may share a transaction)", async () => {
    const { id } = await t.newWorkspace();
    const schema = quoteWorkspaceSchema(workspaceSchemaName(id));
    const uid = randomUUID();
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late', namespace: 'd', uid } };
    const [[{ started }]] = await inWorkspaceStatements<{ started: string }>(t.pool, [
      { schema, stmt: { name: 'probe.slow_start', text: 'SELECT now()::text AS started, pg_sleep(0.3)' }, values: [] },
      { schema, stmt: sql.createObject, values: ['configmaps', 'd', 'late', uid, '{}', '{}', [], JSON.stringify(body), id, null, null] },
    ]);
    const { rows } = await t.pool.query<{ ms: number }>(
      `SELECT extract(epoch FROM c.created_at - $1::timestamptz) * 1000 AS ms FROM "${workspaceSchemaName(id)}".changes c WHERE c.uid = $2`,
      [started, uid],
    );
    expect(rows).toHaveLength(1);
    expect(Number(rows[0].ms)).toBeGreaterThanOrEqual(300);
  });
});
