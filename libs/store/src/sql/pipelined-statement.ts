import * as pg from 'pg';
import { Connection, PoolClient, Submittable } from 'pg';

/** pg's row decoder and value encoder (exported at runtime by pg, not in its typings). */
interface RowDecoder {
  rows: Record<string, unknown>[];
  rowCount: number | null;
  addFields(fields: unknown[]): void;
  parseRow(raw: unknown[]): Record<string, unknown>;
  addCommandComplete(msg: unknown): void;
}
const runtime = pg as unknown as { Result: new () => RowDecoder; utils: { prepareValue(v: unknown): unknown } };

/** A failure of one statement of a pipeline; `step` says which (0-based, `setup` first). */
export interface PipelineFailure extends Error {
  step?: number;
}

export interface PipelinedResult<R> {
  rows: R[];
  /** Rows the main statement affected or returned. */
  rowCount: number;
}

/**
 * Runs `setup` (value-free statements), then `text` with `values`, then `teardown`, in one round
 * trip: the extended-protocol messages of all of them and a single Sync. Until that Sync they
 * are one implicit transaction, so a failure anywhere skips the rest and rolls back everything,
 * including a session-level SET in `setup` (SET is undone when its transaction aborts). Rows are
 * those of `text`. This saves the round trips and separate transactions of issuing them one by
 * one (a workspace write was three: SET ROLE, the statement, RESET ROLE).
 *
 * With `preparedAs`, `text` is a server-side prepared statement of that name on the client's
 * connection: parsed the first time, then only bound and executed, so PostgreSQL keeps its plan
 * (parse and plan were half of a create's PostgreSQL CPU). The caller keeps one text per name.
 */
export function runPipelined<R extends Record<string, any>>(
  client: PoolClient,
  setup: readonly string[],
  text: string,
  values: unknown[],
  teardown: readonly string[] = [],
  preparedAs?: string,
): Promise<PipelinedResult<R>> {
  return new Promise((resolve, reject) => {
    const main = { text, values, preparedAs };
    client.query<PipelinedStatement>(new PipelinedStatement(setup, main, teardown, resolve as (r: PipelinedResult<Record<string, unknown>>) => void, reject));
  });
}

/**
 * How many prepared statements a connection keeps; past it, the least recently used is closed.
 * PostgreSQL keeps each one's parse tree and generic plan in the backend: measured 85 KiB for an
 * update and 215 KiB for a create, so a connection holds at most ~14 MiB for them (64 creates),
 * ~6 MiB for a usual mix.
 */
export const PREPARED_PER_CONNECTION = 64;

/**
 * The statement names prepared on one connection, least recently used first. A name is recorded
 * once its statement ran; after a failure at that statement it may or may not exist, so the next
 * use closes it (closing a missing statement is not an error) and parses it again.
 */
class PreparedNames {
  private readonly names = new Set<string>();

  /** Whether `name` is prepared; it becomes the most recently used. */
  use(name: string): boolean {
    if (!this.names.delete(name)) return false;
    this.names.add(name);
    return true;
  }

  /** Forgets the least recently used names so that one more fits; they are to be closed. */
  makeRoom(): string[] {
    const evicted: string[] = [];
    for (const name of this.names) {
      if (this.names.size < PREPARED_PER_CONNECTION) break;
      this.names.delete(name);
      evicted.push(name);
    }
    return evicted;
  }

  add(name: string): void {
    this.names.add(name);
  }

  forget(name: string): void {
    this.names.delete(name);
  }
}

const preparedOn = new WeakMap<Connection, PreparedNames>();

function preparedNames(connection: Connection): PreparedNames {
  let names = preparedOn.get(connection);
  if (!names) preparedOn.set(connection, (names = new PreparedNames()));
  return names;
}

/** pg calls the handle* methods with the backend's messages while this is the client's active query. */
class PipelinedStatement implements Submittable {
  private readonly decoder = new runtime.Result();
  private completed = 0;
  private failure: PipelineFailure | undefined;
  /** The connection's prepared names, when the main statement is a prepared one. */
  private prepared: PreparedNames | undefined;

  constructor(
    private readonly setup: readonly string[],
    private readonly main: { text: string; values: unknown[]; preparedAs?: string },
    private readonly teardown: readonly string[],
    private readonly done: (result: PipelinedResult<Record<string, unknown>>) => void,
    private readonly fail: (err: PipelineFailure) => void,
  ) {}

  submit(connection: Connection): void {
    const { text, values, preparedAs } = this.main;
    this.prepared = preparedAs === undefined ? undefined : preparedNames(connection);
    // A named statement the connection does not hold yet is parsed under its name, after closing
    // what it evicts. The closes go first: nothing before them can fail, so they always run.
    const toPrepare = preparedAs !== undefined && !this.prepared!.use(preparedAs);
    const evicted = toPrepare ? this.prepared!.makeRoom() : [];
    // Corked, so the whole pipeline leaves in one write. (pg's typings declare a `more` flag that
    // its Connection ignores.)
    connection.stream.cork();
    try {
      for (const name of evicted) connection.close({ type: 'S', name }, false);
      for (const t of this.setup) this.plain(connection, t);
      if (preparedAs === undefined) {
        connection.parse({ name: '', text, types: [] }, false);
      } else if (toPrepare) {
        connection.close({ type: 'S', name: preparedAs }, false);
        connection.parse({ name: preparedAs, text, types: [] }, false);
      }
      connection.bind({ statement: preparedAs ?? '', values: values as string[], valueMapper: runtime.utils.prepareValue }, false);
      connection.describe({ type: 'P', name: '' }, false);
      connection.execute({}, false);
      for (const t of this.teardown) this.plain(connection, t);
      connection.sync();
    } finally {
      connection.stream.uncork();
    }
  }

  private plain(connection: Connection, text: string): void {
    connection.parse({ name: '', text, types: [] }, false);
    connection.bind({}, false);
    connection.execute({}, false);
  }

  handleRowDescription(msg: { fields: unknown[] }): void {
    this.decoder.addFields(msg.fields);
  }

  handleDataRow(msg: { fields: unknown[] }): void {
    if (this.failure) return;
    try {
      this.decoder.rows.push(this.decoder.parseRow(msg.fields));
    } catch (err) {
      this.failure = err as Error; // reported once the backend is ready again
    }
  }

  handleCommandComplete(msg: unknown): void {
    if (this.completed++ !== this.setup.length) return;
    this.decoder.addCommandComplete(msg);
    this.prepared?.add(this.main.preparedAs!);
  }

  handleEmptyQuery(): void {
    this.completed++;
  }

  handlePortalSuspended(): void {
    // Only sent for row-limited executes, which this never asks for.
  }

  handleCopyInResponse(): void {
    // Not a COPY; nothing to do.
  }

  handleCopyData(): void {
    // Not a COPY; nothing to do.
  }

  /** An ErrorResponse: the backend skips to the Sync; pg has already stopped routing messages here. */
  handleError(err: PipelineFailure): void {
    err.step = this.completed;
    // Failed at the main statement: it may not have been prepared, so it is parsed again next time.
    if (err.step === this.setup.length) this.prepared?.forget(this.main.preparedAs!);
    this.fail(err);
  }

  handleReadyForQuery(): void {
    if (this.failure) this.fail(this.failure);
    else this.done({ rows: this.decoder.rows, rowCount: this.decoder.rowCount ?? this.decoder.rows.length });
  }
}
