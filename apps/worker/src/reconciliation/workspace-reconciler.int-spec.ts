import { randomUUID } from 'node:crypto';
import { controlDataSourceOptions, migrateControlSchema, OperationProgress, ReconciliationRepository } from '@kplane/control';
import { LATEST_WORKSPACE_SCHEMA_VERSION, WorkspaceSchemas, workspaceSchemaName } from '@kplane/store';
import { createTestDatabase, dropWorkspaceRoles, TestDatabase } from '@kplane/testing';
import type { PinoLogger } from 'nestjs-pino';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { WorkspaceLocks } from '../lifecycle/workspace-lock';
import { WorkerMetrics } from '../metrics/worker-metrics';
import type { WorkerConfig } from '../worker-config';
import { WorkspaceReconciler } from './workspace-reconciler';

/** Reconciliation against a real PostgreSQL: drift is created by hand, then repaired. */
describe('WorkspaceReconciler', () => {
  let db: TestDatabase;
  let other: TestDatabase;
  let ds: DataSource;
  let pool: Pool;
  let otherPool: Pool;
  let locks: WorkspaceLocks;
  const logger = { setContext: () => undefined, warn: () => undefined, info: () => undefined } as unknown as PinoLogger;
  const tenantId = randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase();
    other = await createTestDatabase();
    await migrateControlSchema(db.url);
    ds = await new DataSource(controlDataSourceOptions(db.url)).initialize();
    pool = new Pool({ connectionString: db.url, max: 4 });
    otherPool = new Pool({ connectionString: other.url, max: 2 });
    locks = new WorkspaceLocks(db.url);
    // Idle clients die when a database is force-dropped (or the server restarts): not a test failure.
    pool.on('error', () => undefined);
    otherPool.on('error', () => undefined);
    await ds.query(`INSERT INTO kplane.tenants (id, name, phase, quota) VALUES ($1, 'acme', 'Active', '{}')`, [tenantId]);
  });

  afterAll(async () => {
    await locks?.onModuleDestroy();
    await dropWorkspaceRoles(db.url);
    await ds?.destroy();
    await pool?.end();
    await otherPool?.end();
    await db?.drop();
    await other?.drop();
  });

  const workspace = async (phase: string, opStatus: string | null, opAgeSeconds = 3600) => {
    const id = randomUUID();
    if (phase !== 'none') {
      await ds.query(`INSERT INTO kplane.workspaces (id, tenant_id, name, phase, shard) VALUES ($1, $2, $3, $4, 'default')`, [id, tenantId, `w-${id.slice(0, 8)}`, phase]);
    }
    if (opStatus) {
      await ds.query(
        `INSERT INTO kplane.operations (id, type, tenant_id, tenant_name, workspace_id, workspace_name, status, created_at, updated_at)
         VALUES ($1, 'ProvisionWorkspace', $2, 'acme', $3, 'w', $4, now() - make_interval(secs => $5), now() - make_interval(secs => $5))`,
        [randomUUID(), tenantId, id, opStatus, opAgeSeconds],
      );
    }
    return id;
  };

  const exists = (id: string) => new WorkspaceSchemas(pool).exists(id);

  const reconcilerWith = (metrics = new WorkerMetrics()) =>
    new WorkspaceReconciler(
      { reconcile: { everySeconds: 60, graceSeconds: 60 } } as WorkerConfig,
      pool,
      locks,
      new ReconciliationRepository(ds),
      new OperationProgress(ds),
      metrics,
      logger,
    );

  it('drops orphans, spares what is in flight or recent or foreign, fails Ready workspaces without a schema, removes stale credentials', async () => {
    const schemas = new WorkspaceSchemas(pool);
    const healthy = await workspace('Ready', 'Succeeded');
    const orphan = await workspace('none', 'Succeeded');
    const noHistory = await workspace('none', null);
    const inFlight = await workspace('none', 'Running');
    const recent = await workspace('none', 'Succeeded', 5);
    const missing = await workspace('Ready', 'Succeeded');
    for (const id of [healthy, orphan, noHistory, inFlight, recent]) {
      await schemas.ensureRole(id);
      await schemas.ensureSchema(id);
    }
    const roleOnly = await workspace('none', 'Succeeded');
    await schemas.ensureRole(roleOnly);
    // A workspace of another control database on the same server: its role must survive.
    const foreign = randomUUID();
    await new WorkspaceSchemas(otherPool).ensureRole(foreign);
    await new WorkspaceSchemas(otherPool).ensureSchema(foreign);
    await ds.query(
      `INSERT INTO kplane.credentials (id, workspace_id, operation_id, token_hash, token_encrypted) VALUES ($1, $2, $3, 'h1', 'e1'), ($4, $5, $6, 'h2', 'e2')`,
      [randomUUID(), orphan, randomUUID(), randomUUID(), healthy, randomUUID()],
    );

    const metrics = new WorkerMetrics();
    const reconciler = reconcilerWith(metrics);
    try {
      const result = await reconciler.reconcile();
      expect(result.failed).toEqual([]);
      expect(new Set(result.dropped)).toEqual(new Set([orphan, noHistory, roleOnly]));
      expect(result.markedFailed).toEqual([missing]);
      expect(result.credentialsDeleted).toBe(1);
      expect(result.plan.deferred.sort()).toEqual([inFlight, recent].sort());

      for (const id of [orphan, noHistory, roleOnly]) expect(await exists(id)).toEqual({ schema: false, role: false });
      for (const id of [healthy, inFlight, recent]) expect(await exists(id)).toEqual({ schema: true, role: true });
      expect(await new WorkspaceSchemas(otherPool).exists(foreign)).toEqual({ schema: true, role: true });
      const [row] = await ds.query(`SELECT phase, message FROM kplane.workspaces WHERE id = $1`, [missing]);
      expect(row.phase).toBe('Failed');
      expect(row.message).toContain(`${workspaceSchemaName(missing)} is missing`);

      const text = await metrics.registry.metrics();
      expect(text).toMatch(/kplane_reconcile_orphan_schemas\{app="worker"\} 2/);
      expect(text).toMatch(/kplane_reconcile_orphan_roles\{app="worker"\} 3/);
      expect(text).toMatch(/kplane_reconcile_missing_schemas\{app="worker"\} 1/);

      // A second run finds nothing left to repair.
      const again = await reconciler.reconcile();
      expect([again.dropped, again.markedFailed, again.credentialsDeleted]).toEqual([[], [], 0]);
    } finally {
      const s = new WorkspaceSchemas(otherPool);
      await s.drop(foreign);
    }
  });

  it('skips a workspace whose lifecycle lock is held', async () => {
    const orphan = await workspace('none', 'Succeeded');
    await new WorkspaceSchemas(pool).ensureRole(orphan);
    await new WorkspaceSchemas(pool).ensureSchema(orphan);
    const held = await locks.tryAcquire(orphan);
    expect(held).not.toBeNull();
    expect(await locks.tryAcquire(orphan)).toBeNull();
    const reconciler = reconcilerWith();
    expect((await reconciler.reconcile()).skipped).toContain(orphan);
    await held!.release();
    expect((await reconciler.reconcile()).dropped).toContain(orphan);
  });

  it('brings the schemas of Ready and Suspended workspaces built by an older release to the latest version, and no others', async () => {
    const schemas = new WorkspaceSchemas(pool);
    const version = async (id: string) =>
      (await pool.query(`SELECT max(version)::int AS v FROM "${workspaceSchemaName(id)}".schema_version`)).rows[0].v as number;
    const target = async (id: string) =>
      (await pool.query(`SELECT attstattarget FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'labels'`, [`"${workspaceSchemaName(id)}".objects`])).rows[0]
        .attstattarget as number;
    // As the release before workspace DDL versions 5 and 6 left them.
    const atVersion4 = async (id: string) => {
      await schemas.ensureBuilt(id);
      const s = `"${workspaceSchemaName(id)}"`;
      await pool.query(
        `DROP INDEX ${s}.objects_labels_pairs_idx; ALTER TABLE ${s}.objects ALTER COLUMN labels SET STATISTICS -1, ALTER COLUMN fields SET STATISTICS -1;
         DELETE FROM ${s}.schema_version WHERE version >= 5`,
      );
    };
    const ready = await workspace('Ready', 'Succeeded');
    const suspended = await workspace('Suspended', 'Succeeded');
    const failed = await workspace('Failed', 'Failed');
    const busy = await workspace('Ready', 'Running');
    const current = await workspace('Ready', 'Succeeded');
    const unbuilt = await workspace('Ready', 'Succeeded'); // role and schema, no tables: not the reconciler's to build
    for (const id of [ready, suspended, failed, busy]) await atVersion4(id);
    await schemas.ensureBuilt(current);
    await schemas.ensureRole(unbuilt);
    await schemas.ensureSchema(unbuilt);
    expect(await schemas.listOutdated()).toEqual(expect.arrayContaining([ready, suspended, failed, busy]));
    expect(await schemas.listOutdated()).not.toContain(current);

    const metrics = new WorkerMetrics();
    const reconciler = reconcilerWith(metrics);
    const result = await reconciler.reconcile();
    expect(result.upgraded.sort()).toEqual([ready, suspended].sort());
    expect(result.failed).toEqual([]);
    expect(await metrics.registry.getSingleMetricAsString('kplane_reconcile_outdated_schemas')).toMatch(/^kplane_reconcile_outdated_schemas({[^}]*})? 2$/m);
    const pairsIndex = async (id: string) => (await pool.query(`SELECT to_regclass($1) IS NOT NULL AS i`, [`"${workspaceSchemaName(id)}".objects_labels_pairs_idx`])).rows[0].i as boolean;
    for (const id of [ready, suspended]) expect([await version(id), await target(id), await pairsIndex(id)]).toEqual([LATEST_WORKSPACE_SCHEMA_VERSION, 1000, true]);
    for (const id of [failed, busy]) expect([await version(id), await target(id), await pairsIndex(id)]).toEqual([4, -1, false]);
    expect(await schemas.exists(unbuilt)).toEqual({ schema: true, role: true });
    expect((await pool.query(`SELECT to_regclass($1) AS t`, [`"${workspaceSchemaName(unbuilt)}".objects`])).rows[0].t).toBeNull();
    // Nothing left to do for the serving ones.
    expect((await reconciler.reconcile()).upgraded).toEqual([]);
  });
});
