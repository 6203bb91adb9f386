import { randomUUID } from 'node:crypto';
import { workspaceSchemaName } from '../schemas/workspace-schema-name';
import { createStoreTestDb, StoreTestDb } from '../testing/store-test-db';
import { KubeObject } from './kube-object.types';
import { WorkspaceStore } from './workspace-store';
import { WorkspaceWriteGate } from './write-gate';
import { WorkspaceWritePools } from './write-pools';

const cm = (name: string, data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', uid: randomUUID() }, data });

describe('WorkspaceWritePools: each workspace writes through one small pool, on generic plans', () => {
  let t: StoreTestDb;
  let pools: WorkspaceWritePools;
  beforeAll(async () => {
    t = await createStoreTestDb();
    // One connection per pool: the connection a test inspects is the one that ran the writes.
    pools = new WorkspaceWritePools({ connectionString: t.db.url }, 2, 1);
  });
  afterAll(async () => {
    await pools.end();
    await t.close();
  });

  /** The write statements prepared on the (only) connection of `pool`, with their plan counts. */
  async function preparedOn(pool: ReturnType<WorkspaceWritePools['forWorkspace']>) {
    const c = await pool.connect();
    try {
      const { rows } = await c.query<{ name: string; generic_plans: string; custom_plans: string }>(
        `SELECT name, generic_plans::text, custom_plans::text FROM pg_prepared_statements WHERE name LIKE 'objects.%' ORDER BY name`,
      );
      return rows;
    } finally {
      c.release();
    }
  }

  it('plans each write statement once per connection and workspace, not on each of its first five runs', async () => {
    const { id } = await t.newWorkspace();
    const store = new WorkspaceStore(t.pool, id, { writeGate: new WorkspaceWriteGate(2, 32), writePool: pools.forWorkspace(id) });
    for (let i = 0; i < 8; i++) {
      const created = await store.create('configmaps', cm(`c${i}`, { v: '1' }));
      await store.update('configmaps', { ...created, data: { v: '2' } });
    }
    const schema = workspaceSchemaName(id);
    const rows = (await preparedOn(pools.forWorkspace(id))).filter((r) => r.name.endsWith(`:${schema}`));
    expect(rows).toEqual([
      { name: `objects.create:${schema}`, generic_plans: '8', custom_plans: '0' },
      { name: `objects.update:${schema}`, generic_plans: '8', custom_plans: '0' },
    ]);
    // The objects are written and read back through the ordinary pool.
    expect((await store.list('configmaps')).items.map((o) => o.data)).toEqual(Array.from({ length: 8 }, () => ({ v: '2' })));
  });

  it("a workspace's writes stay on its own pool", async () => {
    const spaces = await Promise.all(Array.from({ length: 6 }, () => t.newWorkspace()));
    await Promise.all(
      spaces.map(async ({ id }) => {
        const store = new WorkspaceStore(t.pool, id, { writeGate: new WorkspaceWriteGate(2, 32), writePool: pools.forWorkspace(id) });
        await Promise.all(Array.from({ length: 5 }, (_, i) => store.create('configmaps', cm(`p${i}`, {}))));
      }),
    );
    for (const pool of pools.pools) {
      const written = new Set((await preparedOn(pool)).map((r) => r.name.split(':')[1]));
      const mapped = spaces.filter(({ id }) => pools.forWorkspace(id) === pool).map(({ id }) => workspaceSchemaName(id));
      for (const schema of mapped) expect(written).toContain(schema);
      for (const { id } of spaces.filter(({ id }) => pools.forWorkspace(id) !== pool)) expect(written).not.toContain(workspaceSchemaName(id));
    }
  });
});
