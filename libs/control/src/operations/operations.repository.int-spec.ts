import { createTestDatabase, TestDatabase } from '@kplane/testing';
import { DataSource } from 'typeorm';
import { controlDataSourceOptions, migrateControlSchema } from '../database/control-database';
import { newOperation } from './new-operation';
import { OperationsRepository } from './operations.repository';

describe('OperationsRepository', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateControlSchema(db.url);
    ds = await new DataSource(controlDataSourceOptions(db.url)).initialize();
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('finds old Queued operations for the sweeper and pages a tenant newest first', async () => {
    const repo = new OperationsRepository(ds);
    const tenantId = '11111111-1111-4111-8111-111111111111';
    const ops = [];
    for (let i = 0; i < 3; i++) {
      ops.push(await repo.insert(newOperation({ type: 'ProvisionWorkspace', tenantId, tenantName: 'acme', workspaceName: `w${i}` })));
    }
    await ds.query(`UPDATE kplane.operations SET status = 'Running' WHERE id = $1`, [ops[1]!.id]);
    const stale = await repo.findQueuedBefore(new Date(Date.now() + 60_000), 10);
    expect(stale.map((o) => o.id)).toEqual([ops[0]!.id, ops[2]!.id]);
    expect(await repo.findQueuedBefore(new Date(Date.now() - 60_000), 10)).toEqual([]);

    const first = await repo.listForTenant({ tenantId, limit: 2 });
    expect(first.map((o) => o.workspaceName)).toEqual(['w2', 'w1']);
    const rest = await repo.listForTenant({ tenantId, limit: 2, afterId: first[1]!.id });
    expect(rest.map((o) => o.workspaceName)).toEqual(['w0']);
  });
});
