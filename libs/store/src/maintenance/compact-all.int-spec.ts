import { randomUUID } from 'node:crypto';
import { workspaceSchemaName } from '../schemas/workspace-schema-name';
import { createStoreTestDb, StoreTestDb } from '../testing/store-test-db';
import { compactAll } from './compact-all';

describe('compactAll', () => {
  let t: StoreTestDb;
  beforeAll(async () => {
    t = await createStoreTestDb();
  });
  afterAll(async () => {
    await t.close();
  });

  it('compacts every workspace with a schema, skipping role-only ones and surviving a failing one', async () => {
    const ws = [await t.newWorkspace(), await t.newWorkspace(), await t.newWorkspace()];
    for (const [i, w] of ws.entries()) {
      for (let j = 0; j <= i; j++) await w.store.create('configmaps', { metadata: { name: `c${j}`, namespace: 'd', uid: randomUUID() } });
    }
    // Half-provisioned (role only): listed by listWorkspaceSchemas, but has nothing to compact.
    const roleOnly = t.track(randomUUID());
    await t.schemas.ensureRole(roleOnly);
    // Broken: its compaction table is gone, so its compaction fails.
    const broken = await t.newWorkspace();
    await t.pool.query(`DROP TABLE "${workspaceSchemaName(broken.id)}".compaction`);
    const warnings: object[] = [];

    const r = await compactAll(t.pool, { keepSeconds: 0, keepCount: 0 }, { logger: { warn: (obj) => warnings.push(obj) } });
    expect(r).toEqual({ workspaces: 3, deleted: 1 + 2 + 3, failed: [broken.id] });
    expect(warnings).toEqual([expect.objectContaining({ workspaceId: broken.id })]);
    for (const w of ws) expect(await w.store.oldestRetainedResourceVersion()).toBe(await w.store.currentResourceVersion());
    expect(await compactAll(t.pool, { keepSeconds: 0, keepCount: 0 })).toMatchObject({ workspaces: 3, deleted: 0 });
  });
});
