import { Pool, PoolClient } from 'pg';
import { QuotedSchema } from '../schemas/workspace-schema-name';
import { StoreError } from '../store.errors';
import { isMissingRole, isStatementError, toStoreError } from './pg-error.mapper';
import * as sql from './statements';
import { Statement } from './statements';
import { PipelinedMain, PipelinedResult, PipelineFailure, runPipelined, runPipelinedMany } from './pipelined-statement';
import { guardCheckedOutClients } from './pool-guard';

/**
 * A client inside a workspace transaction; `run` translates pg errors and names them. The
 * transaction is opened by the first statement, in the same round trip (see `opening`), so the
 * client is not handed out: a statement sent on it directly would run outside the transaction.
 */
export class WorkspaceTx {
  private rollbackRequested = false;
  /** BEGIN, SET LOCAL ROLE and SET LOCAL search_path, sent ahead of the first statement; null once sent. */
  private opening: readonly string[] | null;

  constructor(private readonly client: PoolClient, readonly schema: QuotedSchema, mode: TxMode) {
    this.opening = [(mode === 'read' ? sql.beginReadSnapshot : sql.begin).text, sql.setLocalRole(schema).text, sql.setLocalSearchPath(schema).text];
  }

  async run<R extends Record<string, any> = Record<string, any>>(stmt: Statement, values: unknown[] = []): Promise<R[]> {
    return (await this.send<R>(stmt, values)).rows;
  }

  /** For statements whose affected-row count is the result (DELETE without RETURNING). */
  async runCount(stmt: Statement, values: unknown[] = []): Promise<number> {
    return (await this.send(stmt, values)).rowCount;
  }

  /** End with ROLLBACK instead of COMMIT while still returning a value (e.g. a no-op update). */
  rollbackOnly(): void {
    this.rollbackRequested = true;
  }

  get shouldRollback(): boolean {
    return this.rollbackRequested;
  }

  /** Whether a statement was sent, so there is a transaction to end. */
  get opened(): boolean {
    return this.opening === null;
  }

  private async send<R extends Record<string, any>>(stmt: Statement, values: unknown[]): Promise<PipelinedResult<R>> {
    const opening = this.opening ?? [];
    this.opening = null;
    try {
      return await runPipelined<R>(this.client, opening, stmt.text, values, [], preparedName(stmt, this.schema));
    } catch (err) {
      if ((err as PipelineFailure).step! < opening.length) throw roleError(err, this.schema, 'tx.begin_as_role');
      throw toStoreError(err, stmt.name);
    }
  }
}

export type TxMode = 'write' | 'read';

/**
 * Runs `fn` in one transaction under SET LOCAL ROLE of the workspace. Reads use a repeatable-read
 * snapshot so a list and its resourceVersion describe the same state.
 */
export async function inWorkspaceTx<T>(pool: Pool, schema: QuotedSchema, mode: TxMode, fn: (tx: WorkspaceTx) => Promise<T>): Promise<T> {
  const client = await connect(pool);
  const tx = new WorkspaceTx(client, schema, mode);
  let broken: unknown;
  let released = false;
  try {
    const value = await fn(tx);
    if (!tx.opened) return value;
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
      if (tx.opened) await client.query(sql.rollback.text);
    } catch (rollbackErr) {
      broken = rollbackErr; // the connection is unusable; do not return it to the pool
    }
    throw err instanceof StoreError ? err : toStoreError(err, 'tx');
  } finally {
    if (!released) client.release(broken instanceof Error ? broken : undefined);
  }
}

/**
 * One statement in its own implicit transaction under the workspace role and search path: SET ROLE,
 * SET search_path, the statement and their RESETs in one round trip (runPipelined). For writes whose
 * whole effect is one statement (create, update, delete): the revision lock they take is then held
 * only while PostgreSQL executes and commits it, never across a round trip to us; and for
 * one-snapshot reads on a hot path (gets, first list pages, the watch hub's change-log reads). A
 * failure anywhere aborts that transaction, which also undoes the SETs, so the client goes back to
 * the pool in its login role and default search path either way.
 */
export async function inWorkspaceStatement<R extends Record<string, any>>(pool: Pool, schema: QuotedSchema, stmt: Statement, values: unknown[]): Promise<R[]> {
  return (await inWorkspaceStatements<R>(pool, [{ schema, stmt, values }]))[0];
}

/** A statement, its values and the workspace it runs in. */
export interface WorkspaceStatement {
  schema: QuotedSchema;
  stmt: Statement;
  values: unknown[];
}

/** How long a transaction of several workspaces' statements waits for any lock before it fails. */
export const SHARED_TX_LOCK_TIMEOUT = '200ms';

/**
 * Several statements as `inWorkspaceStatement` runs one, each as its own workspace's role with its
 * schema as search path: in one implicit transaction and one round trip, so they commit together
 * (one commit, one WAL flush) or not at all. The statements of one workspace run in the order
 * given; the workspaces in schema order, so that two such transactions always take revision rows
 * in the same order and never wait on each other in a cycle; and such a transaction fails if it
 * waits for a lock longer than SHARED_TX_LOCK_TIMEOUT. The rows of each, in the order given.
 */
export async function inWorkspaceStatements<R extends Record<string, any>>(pool: Pool, statements: readonly WorkspaceStatement[]): Promise<R[][]> {
  const client = await connect(pool);
  const { mains, steps, rowsAt } = pipelineOf(statements);
  try {
    const results = await runPipelinedMany<R>(client, [], mains, [sql.resetSearchPath.text, sql.resetRole.text]);
    client.release();
    return rowsAt.map((i) => results[i].rows);
  } catch (err) {
    // A statement's error leaves a usable connection; anything else (a session the server ended, a
    // lost connection, a row that failed to decode) does not go back to the pool.
    client.release(isStatementError(err) ? undefined : (err as Error));
    const step = (err as PipelineFailure).step;
    const failed = (step !== undefined && steps[step]) || steps[steps.length - 1];
    if (failed.setsRole) throw roleError(err, failed.of.schema, sql.setRole(failed.of.schema).name);
    throw toStoreError(err, failed.of.stmt.name);
  }
}

/**
 * The pipeline of inWorkspaceStatements: a role and search path before each workspace's statements,
 * workspaces in schema order. `steps` says which statement each step serves (for errors), `rowsAt`
 * which step answers each statement.
 */
function pipelineOf(statements: readonly WorkspaceStatement[]) {
  // Every single-workspace call (each get, write, first list page) comes here: sort only when shared.
  const shared = statements.some((s) => s.schema !== statements[0].schema);
  const order = statements.map((_, i) => i);
  if (shared) order.sort((a, b) => (statements[a].schema < statements[b].schema ? -1 : statements[a].schema > statements[b].schema ? 1 : a - b));
  const mains: PipelinedMain[] = [];
  const steps: { of: WorkspaceStatement; setsRole: boolean }[] = [];
  const rowsAt: number[] = new Array(statements.length);
  if (shared) {
    // Writes of several workspaces share this transaction: none may keep the others waiting on a
    // lock of its own workspace for long (the write gate splits the transaction when this fails).
    mains.push({ text: sql.setLocalLockTimeout.text, values: [SHARED_TX_LOCK_TIMEOUT] });
    steps.push({ of: statements[order[0]], setsRole: false });
  }
  let current: QuotedSchema | undefined;
  for (const i of order) {
    const s = statements[i];
    if (s.schema !== current) {
      mains.push({ text: sql.setRole(s.schema).text, values: [] }, { text: sql.setSearchPath(s.schema).text, values: [] });
      steps.push({ of: s, setsRole: true }, { of: s, setsRole: false });
      current = s.schema;
    }
    rowsAt[i] = mains.length;
    mains.push({ text: s.stmt.text, values: s.values, preparedAs: preparedName(s.stmt, s.schema) });
    steps.push({ of: s, setsRole: false });
  }
  return { mains, steps, rowsAt };
}

/**
 * Statements with one text for every workspace are prepared on each connection once per workspace
 * (`objects.get:ws_<id>`): PostgreSQL re-plans a statement whenever the search_path differs from
 * the one it was planned under, so one name shared by every workspace would be planned again each
 * time a pooled connection moves to another workspace.
 */
export function preparedName(stmt: Statement, schema: QuotedSchema): string | undefined {
  return stmt.inWorkspacePath ? `${stmt.name}:${schema.slice(1, -1)}` : undefined;
}

async function connect(pool: Pool): Promise<PoolClient> {
  guardCheckedOutClients(pool);
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
