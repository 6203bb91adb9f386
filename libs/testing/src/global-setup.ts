import { Client } from 'pg';

/** Fails fast, with a clear message, when the real PostgreSQL or Redis is not reachable. */
export default async function globalSetup(): Promise<void> {
  const client = new Client({ connectionString: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable for tests: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
