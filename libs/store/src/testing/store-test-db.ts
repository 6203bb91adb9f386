// Test-only helper (imported by *.int-spec.ts, not by index.ts): a database of the spec file's own
// plus provisioned workspaces whose roles are always dropped (roles are server-wide).
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { createTestDatabase, TestDatabase } from '../../../testing/src/databases';
import { WorkspaceSchemas } from '../schemas/workspace-schemas';
import { PG_SESSION_OPTIONS } from '../sql/session-options';
import { WorkspaceStore } from '../objects/workspace-store';

export interface StoreTestDb {
  db: TestDatabase;
  pool: Pool;
  schemas: WorkspaceSchemas;
  /** Provisions a fresh workspace (role, schema, DDL) and registers it for cleanup. */
  newWorkspace(): Promise<{ id: string; store: WorkspaceStore }>;
  /** Registers an id provisioned by the test itself. */
  track(id: string): string;
  close(): Promise<void>;
}

export async function createStoreTestDb(poolMax = 30): Promise<StoreTestDb> {
  const db = await createTestDatabase('kplane_store');
  const pool = new Pool({ connectionString: db.url, max: poolMax, options: PG_SESSION_OPTIONS });
  pool.on('error', () => undefined); // idle clients die when the database is force-dropped
  const schemas = new WorkspaceSchemas(pool);
  const ids = new Set<string>();
  return {
    db,
    pool,
    schemas,
    track(id) {
      ids.add(id);
      return id;
    },
    async newWorkspace() {
      const id = randomUUID();
      ids.add(id);
      await schemas.ensureBuilt(id); // as provisioning builds it
      return { id, store: new WorkspaceStore(pool, id) };
    },
    async close() {
      for (const id of ids) await schemas.drop(id).catch((err) => console.error(`dropping workspace ${id}`, err));
      await pool.end();
      await db.drop();
    },
  };
}
