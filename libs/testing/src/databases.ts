import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database of the test's own; PRESERVE=1 keeps it for inspection. */
export async function createTestDatabase(prefix = 'kplane_t'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (process.env.PRESERVE === '1') return;
      const c = new Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * Roles are cluster-wide in PostgreSQL and outlive a dropped test database, so tests drop
 * the schemas and roles of every workspace their database still knows about.
 */
export async function dropWorkspaceRoles(databaseUrl: string | undefined): Promise<void> {
  if (!databaseUrl || process.env.PRESERVE === '1') return;
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query(`SELECT nspname FROM pg_namespace WHERE nspname ~ '^ws_[0-9a-f]{32}$'`);
    const known = await c
      .query(`SELECT 'ws_' || replace(id::text, '-', '') AS name FROM kplane.workspaces UNION SELECT 'ws_' || replace(id::text, '-', '') FROM kplane.spare_workspaces`)
      .catch(() => ({ rows: [] as { name: string }[] }));
    const names = new Set([...rows.map((r) => r.nspname as string), ...known.rows.map((r) => r.name)]);
    for (const name of names) {
      if (!/^ws_[0-9a-f]{32}$/.test(name)) continue;
      await c.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      await c.query(`DROP ROLE IF EXISTS "${name}"`);
    }
  } finally {
    await c.end();
  }
}
