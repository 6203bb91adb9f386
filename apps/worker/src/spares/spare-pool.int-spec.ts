import { controlDataSourceOptions, migrateControlSchema, ReconciliationRepository, SpareWorkspacesRepository } from '@kplane/control';
import { WorkspaceSchemas, workspaceSchemaName } from '@kplane/store';
import { createTestDatabase, dropWorkspaceRoles, TestDatabase } from '@kplane/testing';
import type { PinoLogger } from 'nestjs-pino';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { WorkspaceLocks } from '../lifecycle/workspace-lock';
import { WorkerMetrics } from '../metrics/worker-metrics';
import type { WorkerConfig } from '../worker-config';
import { SparePool } from './spare-pool';

/** The warm pool against a real PostgreSQL: spares are built, taken, resumed after a crash and dropped. */
describe('SparePool', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let pool: Pool;
  let locks: WorkspaceLocks;
  let spares: SpareWorkspacesRepository;
  const metrics = new WorkerMetrics();
  const logger = { setContext: () => undefined, warn: () => undefined, info: () => undefined } as unknown as PinoLogger;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateControlSchema(db.url);
    ds = await new DataSource(controlDataSourceOptions(db.url)).initialize();
    pool = new Pool({ connectionString: db.url, max: 4 });
    pool.on('error', () => undefined);
    locks = new WorkspaceLocks(db.url);
    spares = new SpareWorkspacesRepository(ds);
  });

  afterAll(async () => {
    await dropWorkspaceRoles(db.url);
    await locks?.onModuleDestroy();
    await ds?.destroy();
    await pool?.end();
    await db?.drop();
  });

  let backlog = 0;
  const sparePool = (target: number) => new SparePool({ spares: { target, everySeconds: 5 } } as WorkerConfig, pool, locks, spares, async () => backlog, metrics, logger);
  const exists = (id: string) => new WorkspaceSchemas(pool).exists(id);
  const states = async () => (await spares.list('default')).map((s) => s.state).sort();
  const tables = async (id: string) =>
    (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1`, [workspaceSchemaName(id)])).rows[0].n;

  it('builds spares up to the target: schema, role and every table, recorded Ready', async () => {
    const result = await sparePool(3).topUp();
    expect(result).toMatchObject({ built: 3, dropped: 0, ready: 3 });
    const list = await spares.list('default');
    expect(list.map((s) => s.state)).toEqual(['Ready', 'Ready', 'Ready']);
    const freshTables = await tables(list[0].id);
    expect(freshTables).toBeGreaterThan(2);
    for (const s of list) {
      expect(await exists(s.id)).toEqual({ schema: true, role: true });
      expect(await tables(s.id)).toBe(freshTables);
      expect(await new ReconciliationRepository(ds).isOrphan(s.id)).toBe(false);
    }
    expect((await metrics.registry.getSingleMetricAsString('kplane_spare_workspaces')).trim().split('\n').pop()).toMatch(/ 3$/);
    // Already full: nothing to do.
    expect(await sparePool(3).topUp()).toMatchObject({ built: 0, dropped: 0, ready: 3 });
  });

  it('take hands each spare out once, oldest first; a rolled-back take leaves it in the pool', async () => {
    const before = await spares.list('default');
    const [a, b] = await Promise.all([
      ds.transaction((m) => spares.take(m, 'default')),
      ds.transaction((m) => spares.take(m, 'default')),
    ]);
    expect(a && b && a !== b).toBe(true);
    expect([a, b].sort()).toEqual(before.slice(0, 2).map((s) => s.id).sort());
    await expect(
      ds.transaction(async (m) => {
        expect(await spares.take(m, 'default')).toBe(before[2].id);
        throw new Error('creation failed');
      }),
    ).rejects.toThrow('creation failed');
    expect((await spares.list('default')).map((s) => s.id)).toEqual([before[2].id]);
    expect(await ds.transaction((m) => spares.take(m, 'other-shard'))).toBeNull();
    // Taken spares are workspaces now: their schemas stay, the next top-up builds replacements.
    expect(await exists(a!)).toEqual({ schema: true, role: true });
    expect(await sparePool(3).topUp()).toMatchObject({ built: 2, ready: 3 });
    await new WorkspaceSchemas(pool).drop(a!);
    await new WorkspaceSchemas(pool).drop(b!);
  });

  it('finishes a spare a crash left half-built, and one a crash left half-dropped', async () => {
    const [halfBuilt, halfDropped] = (await spares.list('default')).map((s) => s.id);
    // Crash mid-build: the row is back to Creating and only the role exists.
    await new WorkspaceSchemas(pool).drop(halfBuilt);
    await new WorkspaceSchemas(pool).ensureRole(halfBuilt);
    await ds.query(`UPDATE kplane.spare_workspaces SET state = 'Creating' WHERE id = $1`, [halfBuilt]);
    // Crash mid-drop: marked Dropping, the schema is still there.
    expect(await spares.markDropping(halfDropped)).toBe(true);
    expect(await states()).toEqual(['Creating', 'Dropping', 'Ready']);

    const result = await sparePool(3).topUp();
    expect(result).toMatchObject({ built: 2, dropped: 1, ready: 3 });
    expect(await exists(halfBuilt)).toEqual({ schema: true, role: true });
    expect(await tables(halfBuilt)).toBeGreaterThan(2);
    expect(await exists(halfDropped)).toEqual({ schema: false, role: false });
    expect((await spares.list('default')).map((s) => s.id)).not.toContain(halfDropped);
  });

  it('leaves a spare another worker is working on alone', async () => {
    const [busy] = (await spares.list('default')).map((s) => s.id);
    await ds.query(`UPDATE kplane.spare_workspaces SET state = 'Creating' WHERE id = $1`, [busy]);
    const held = await locks.tryAcquire(busy);
    try {
      expect(await sparePool(3).topUp()).toMatchObject({ skipped: 1, built: 0, dropped: 0 });
      expect(await states()).toEqual(['Creating', 'Ready', 'Ready']);
    } finally {
      await held!.release();
    }
    expect(await sparePool(2).topUp()).toMatchObject({ built: 1, dropped: 1, ready: 2 });
  });

  it('builds no new spare while provisioning has work waiting or running, and catches up after', async () => {
    const before = (await spares.list('default')).length;
    backlog = 3;
    try {
      expect(await sparePool(before + 2).topUp()).toMatchObject({ built: 0, deferred: 2, ready: before });
    } finally {
      backlog = 0;
    }
    expect(await sparePool(before + 2).topUp()).toMatchObject({ built: 2, deferred: 0, ready: before + 2 });
  });

  it('a lowered target drops the excess: schema, role and row gone', async () => {
    const before = (await spares.list('default')).map((s) => s.id);
    expect(await sparePool(0).topUp()).toMatchObject({ dropped: before.length, ready: 0 });
    expect(await spares.list('default')).toEqual([]);
    for (const id of before) expect(await exists(id)).toEqual({ schema: false, role: false });
  });
});
