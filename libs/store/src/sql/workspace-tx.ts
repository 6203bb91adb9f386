import { Pool, PoolClient } from 'pg';
import { QuotedSchema } from '../schemas/workspace-schema-name';
import { StoreError } from '../store.errors';
import { isMissingRole, toStoreError } from './pg-error.mapper';
import * as sql from './statements';
import { Statement } from './statements';

/** A client inside a workspace transaction; `run` translates pg errors and names them. */
export class WorkspaceTx {
  private rollbackRequested = false;

  constructor(readonly client: PoolClient, readonly schema: QuotedSchema) {}

  async run<R extends Record<string, any> = Record<string, any>>(stmt: Statement, values: unknown[] = []): Promise<R[]> {
    try {
      const res = await this.client.query<R>(stmt.text, values);
      return res.rows;
    } catch (err) {
      throw toStoreError(err, stmt.name);
    }
  }

  /** For statements whose affected-row count is the result (DELETE without RETURNING). */
  async runCount(stmt: Statement, values: unknown[] = []): Promise<number> {
    try {
      return (await this.client.query(stmt.text, values)).rowCount ?? 0;
    } catch (err) {
      throw toStoreError(err, stmt.name);
    }
  }

  /** End with ROLLBACK instead of COMMIT while still returning a value (e.g. a no-op update). */
  rollbackOnly(): void {
    this.rollbackRequested = true;
  }

  get shouldRollback(): boolean {
    return this.rollbackRequested;
  }
}

export type TxMode = 'write' | 'read';

/**
 * Runs `fn` in one transaction under SET LOCAL ROLE of the workspace. Reads use a repeatable-read
 * snapshot so a list and its resourceVersion describe the same state.
 */
export async function inWorkspaceTx<T>(pool: Pool, schema: QuotedSchema, mode: TxMode, fn: (tx: WorkspaceTx) => Promise<T>): Promise<T> {
  const client = await connect(pool);
  const tx = new WorkspaceTx(client, schema);
  let broken: unknown;
  let released = false;
  try {
    const begin = sql.beginAsRole(schema, mode);
    try {
      await client.query(begin.text);
    } catch (err) {
      throw roleError(err, schema, begin.name);
    }
    const value = await fn(tx);
    if (mode === 'read') {
      // A read-only snapshot has nothing to make durable: answer now, end it before the client
      // goes back to the pool (queries on one client run in order, so nobody can overtake it).
      client.query(sql.commit.text).then(
        () => client.release(),
        (err: Error) => client.release(err),
      );
      released = true;
      return value;
    }
    await tx.run(tx.shouldRollback ? sql.rollback : sql.commit);
    return value;
  } catch (err) {
    try {
      await client.query(sql.rollback.text);
    } catch (rollbackErr) {
      broken = rollbackErr; // the connection is unusable; do not return it to the pool
    }
    throw err instanceof StoreError ? err : toStoreError(err, 'tx');
  } finally {
    if (!released) client.release(broken instanceof Error ? broken : undefined);
  }
}

/**
 * One statement in its own implicit transaction under the workspace role (SET ROLE before,
 * RESET ROLE after, off the response path). For writes whose whole effect is one statement
 * (create, update, delete): the revision lock they take is then held only while PostgreSQL
 * executes and commits it, never across a round trip to us; and for one-snapshot reads on a hot
 * path (the watch hub's change-log reads).
 */
export async function inWorkspaceStatement<R extends Record<string, any>>(pool: Pool, schema: QuotedSchema, stmt: Statement, values: unknown[]): Promise<R[]> {
  const client = await connect(pool);
  const setRole = sql.setRole(schema);
  try {
    await client.query(setRole.text);
  } catch (err) {
    // No role was set (SET failed); the connection is as it was.
    client.release();
    throw roleError(err, schema, setRole.name);
  }
  try {
    return (await client.query<R>(stmt.text, values)).rows;
  } catch (err) {
    throw toStoreError(err, stmt.name);
  } finally {
    // Queued behind the statement on this client; the client is pooled again only once it is
    // back to the login role, and dropped if that fails.
    client.query(sql.resetRole.text).then(
      () => client.release(),
      (err: Error) => client.release(err),
    );
  }
}

async function connect(pool: Pool): Promise<PoolClient> {
  try {
    return await pool.connect();
  } catch (err) {
    throw toStoreError(err, 'pool.connect');
  }
}

/** Taking the workspace role failed: a missing role means the workspace is not provisioned. */
function roleError(err: unknown, schema: QuotedSchema, statement: string): StoreError {
  if (isMissingRole(err)) return new StoreError('STORE_UNAVAILABLE', `workspace role ${schema} does not exist (not provisioned)`, { cause: err });
  return toStoreError(err, statement);
}
