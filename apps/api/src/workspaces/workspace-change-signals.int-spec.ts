import { randomUUID } from 'node:crypto';
import { controlDataSourceOptions, migrateControlSchema } from '@kplane/control';
import { createTestDatabase, TestDatabase } from '@kplane/testing';
import type { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import type { ApiConfig } from '../api-config';
import { WorkspaceChangeSignals } from './workspace-change-signals';

/** The long-poll wake-up against the real control schema triggers. */
describe('WorkspaceChangeSignals', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let signals: WorkspaceChangeSignals;
  const tenantId = randomUUID();
  const logger = { setContext: () => undefined, warn: () => undefined } as unknown as PinoLogger;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateControlSchema(db.url);
    ds = await new DataSource(controlDataSourceOptions(db.url)).initialize();
    await ds.query(`INSERT INTO kplane.tenants (id, name, phase, quota) VALUES ($1, 'acme', 'Active', '{}')`, [tenantId]);
    signals = new WorkspaceChangeSignals({ env: { DATABASE_URL: db.url } } as unknown as ApiConfig, logger);
    signals.onModuleInit();
    // Connected once a signal round-trips.
    const probe = randomUUID();
    await ds.query(`INSERT INTO kplane.workspaces (id, tenant_id, name, phase, shard) VALUES ($1, $2, 'probe', 'Pending', 'default')`, [probe, tenantId]);
    const sub = signals.subscribe(probe);
    for (let i = 0; i < 100; i++) {
      await ds.query(`UPDATE kplane.workspaces SET phase = CASE WHEN phase = 'Pending' THEN 'Provisioning' ELSE 'Pending' END WHERE id = $1`, [probe]);
      const t = Date.now();
      await sub.wait(100);
      if (Date.now() - t < 90) break;
    }
    sub.close();
  });

  afterAll(async () => {
    await signals?.onModuleDestroy();
    await ds?.destroy();
    await db?.drop();
  });

  const workspace = async () => {
    const id = randomUUID();
    await ds.query(`INSERT INTO kplane.workspaces (id, tenant_id, name, phase, shard) VALUES ($1, $2, $3, 'Pending', 'default')`, [id, tenantId, `w-${id.slice(0, 8)}`]);
    return id;
  };

  it('wakes a waiter when its workspace changes phase, and not for other workspaces', async () => {
    const id = await workspace();
    const other = await workspace();
    const sub = signals.subscribe(id);
    try {
      let started = Date.now();
      await ds.query(`UPDATE kplane.workspaces SET phase = 'Provisioning' WHERE id = $1`, [other]);
      await sub.wait(700);
      expect(Date.now() - started).toBeGreaterThanOrEqual(650); // another workspace: slept to the bound

      const woken = sub.wait(10_000);
      started = Date.now();
      await ds.query(`UPDATE kplane.workspaces SET phase = 'Ready' WHERE id = $1`, [id]);
      await woken;
      expect(Date.now() - started).toBeLessThan(2000);

      // A change that came while nobody waited is not lost: the next wait returns at once.
      await ds.query(`UPDATE kplane.workspaces SET phase = 'Suspended' WHERE id = $1`, [id]);
      await new Promise((r) => setTimeout(r, 200));
      started = Date.now();
      await sub.wait(10_000);
      expect(Date.now() - started).toBeLessThan(100);
    } finally {
      sub.close();
    }
  });

  it('ends a wait when the request is aborted', async () => {
    const sub = signals.subscribe(await workspace());
    const aborted = new AbortController();
    const started = Date.now();
    setTimeout(() => aborted.abort(), 50);
    await sub.wait(10_000, aborted.signal);
    expect(Date.now() - started).toBeLessThan(2000);
    sub.close();
  });
});
