import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createStoreTestDb, StoreTestDb } from '../testing/store-test-db';
import { workspaceSchemaName } from '../schemas/workspace-schema-name';
import { CHANGES_CHANNEL } from '../sql/statements';
import { WorkspaceStore } from './workspace-store';

describe('WorkspaceStore revisions under concurrent writers', () => {
  let t: StoreTestDb;
  beforeAll(async () => {
    t = await createStoreTestDb(30);
  });
  afterAll(async () => {
    await t.close();
  });

  it('gives 20 concurrent writers strictly increasing, gap-free revisions in commit order', async () => {
    const { id, store } = await t.newWorkspace();
    const other = await t.newWorkspace(); // its notifications must not be confused with ours
    const listener = new Client({ connectionString: t.db.url });
    await listener.connect();
    const notified: string[] = [];
    listener.on('notification', (n) => {
      if (n.channel === CHANGES_CHANNEL && n.payload?.startsWith(`${id}:`)) notified.push(n.payload.split(':')[1]); // <id>:<rv>:<resource>
    });
    await listener.query(`LISTEN ${CHANGES_CHANNEL}`);
    try {
      const writers = 20;
      const perWriter = 15;
      const returned: string[] = [];
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = 0; i < perWriter; i++) {
            const name = `w${w}-${i}`;
            const o = await store.create('configmaps', { metadata: { name, namespace: 'default', uid: randomUUID() }, data: { i: '0' } });
            returned.push(o.metadata.resourceVersion!);
            if (i % 3 === 0) {
              const u = await store.update('configmaps', { ...o, data: { i: '1' } }, undefined, { expectedResourceVersion: o.metadata.resourceVersion });
              returned.push(u.metadata.resourceVersion!);
            }
            if (i % 5 === 0) returned.push((await store.delete('configmaps', 'default', name)).metadata.resourceVersion!);
            if (w === 0) await other.store.create('configmaps', { metadata: { name: `o${i}`, namespace: 'x', uid: randomUUID() } });
          }
        }),
      );
      const total = returned.length;
      const expected = Array.from({ length: total }, (_, i) => String(i + 2)); // meta starts at 1
      expect([...returned].sort((a, b) => Number(a) - Number(b))).toEqual(expected);
      expect(await store.currentResourceVersion()).toBe(String(total + 1));

      const { rows } = await t.pool.query(`SELECT rv::text FROM "${workspaceSchemaName(id)}".changes c ORDER BY c.rv`);
      expect(rows.map((r) => r.rv)).toEqual(expected);

      // NOTIFY is delivered in commit order: it must equal revision order exactly.
      const deadline = Date.now() + 10_000;
      while (notified.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(notified).toEqual(expected);
    } finally {
      await listener.end();
    }
  });

  it('serialises conflicting updates: exactly one of N racing updates at the same rv wins', async () => {
    const { store } = await t.newWorkspace();
    const o = await store.create('configmaps', { metadata: { name: 'race', namespace: 'default', uid: randomUUID() } });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        store.update('configmaps', { ...o, data: { winner: String(i) } }, undefined, { expectedResourceVersion: o.metadata.resourceVersion }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.map((r) => r.reason.code)).toEqual(Array(9).fill('STORE_CONFLICT'));
    expect(await store.currentResourceVersion()).toBe(String(Number(o.metadata.resourceVersion) + 1));
  });

  it('runs unconditional updates, deletes and bulk deletes of the same objects at once without deadlock or lost revisions', async () => {
    const { id, store } = await t.newWorkspace();
    const names = Array.from({ length: 8 }, (_, i) => `hot${i}`);
    for (const name of names) await store.create('configmaps', { metadata: { name, namespace: 'ns', uid: randomUUID(), labels: { hot: 'yes' } } });
    const ops: Promise<unknown>[] = [];
    for (let round = 0; round < 6; round++) {
      for (const name of names) {
        ops.push(store.get('configmaps', 'ns', name).then((cur) => cur && store.update('configmaps', { ...cur, data: { round: String(round) } })));
      }
    }
    ops.push(store.delete('configmaps', 'ns', 'hot0'));
    ops.push(store.deleteCollection('configmaps', { labelSelector: [{ key: 'hot', op: 'in', values: ['yes'] }], batchSize: 3 }));
    const results = await Promise.allSettled(ops);
    // The only acceptable refusals are objects deleted under an update (NotFound).
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => `${r.reason.code}: ${r.reason.message}`);
    expect(refused.filter((c) => !c.startsWith('STORE_NOT_FOUND'))).toEqual([]);
    expect(await store.countObjects()).toBe(0);
    // Every taken revision has exactly one change row: nothing was taken and then dropped.
    const { rows } = await t.pool.query(`SELECT count(*)::int AS n, min(rv)::text AS lo, max(rv)::text AS hi FROM "${workspaceSchemaName(id)}".changes c`);
    expect(rows[0].n).toBe(Number(rows[0].hi) - Number(rows[0].lo) + 1);
    expect(await store.currentResourceVersion()).toBe(rows[0].hi);
  });

  it('keeps workspaces independent: revisions are per workspace', async () => {
    const a = await t.newWorkspace();
    const b = await t.newWorkspace();
    await a.store.create('configmaps', { metadata: { name: 'x', namespace: 'd', uid: randomUUID() } });
    await a.store.create('configmaps', { metadata: { name: 'y', namespace: 'd', uid: randomUUID() } });
    expect(await a.store.currentResourceVersion()).toBe('3');
    expect(await b.store.currentResourceVersion()).toBe('1');
    expect(await b.store.get('configmaps', 'd', 'x')).toBeNull();
    expect(new WorkspaceStore(t.pool, a.id.toUpperCase())).toBeInstanceOf(WorkspaceStore);
    expect(await new WorkspaceStore(t.pool, a.id.toUpperCase()).countObjects()).toBe(2);
  });
});
