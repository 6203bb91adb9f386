import { randomUUID } from 'node:crypto';
import { createTestDatabase, TestDatabase, waitFor } from '@kplane/testing';
import { Client } from 'pg';
import { WorkspaceLocks } from './workspace-lock';

/** The lifecycle lock against a real PostgreSQL: two lock sets stand for two workers. */
describe('WorkspaceLocks', () => {
  let db: TestDatabase;
  let a: WorkspaceLocks;
  let b: WorkspaceLocks;
  beforeAll(async () => {
    db = await createTestDatabase();
    a = new WorkspaceLocks(db.url);
    b = new WorkspaceLocks(db.url);
  });
  afterAll(async () => {
    await a?.onModuleDestroy();
    await b?.onModuleDestroy();
    await db?.drop();
  });

  const lockSessions = async () => {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      const { rows } = await c.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
      return rows[0].n as number;
    } finally {
      await c.end();
    }
  };

  it('excludes every other holder until released, and pools its connection without the lock', async () => {
    const ws = randomUUID();
    const held = await a.tryAcquire(ws);
    expect(held).not.toBeNull();
    expect(await a.tryAcquire(ws)).toBeNull(); // same worker, other operation
    expect(await b.tryAcquire(ws)).toBeNull(); // other worker
    expect(await b.tryAcquire(randomUUID())).not.toBeNull(); // other workspaces are free (left held on purpose)
    await held!.release();
    await held!.release(); // idempotent
    expect(await lockSessions()).toBe(1); // only b's other workspace
    const again = await b.tryAcquire(ws);
    expect(again).not.toBeNull();
    await again!.release();
  });

  it('frees the lock when its connection dies', async () => {
    const ws = randomUUID();
    const held = await a.tryAcquire(ws);
    expect(held).not.toBeNull();
    const c = new Client({ connectionString: db.url });
    await c.connect();
    await c.query(
      `SELECT pg_terminate_backend(l.pid) FROM pg_locks l WHERE l.locktype = 'advisory' AND l.objid = hashtext($1)::oid`,
      [ws.toLowerCase()],
    );
    await c.end();
    let other: Awaited<ReturnType<WorkspaceLocks['tryAcquire']>> = null;
    await waitFor('the lock to be free', async () => (other = await b.tryAcquire(ws)) !== null, { timeoutMs: 5000, intervalMs: 50 });
    await held!.release(); // its connection is gone: closed, not pooled, no throw
    await other!.release();
  });
});
