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

/** A statement of a pipeline whose rows are wanted; `preparedAs` names it on the server. */
export interface PipelinedMain {
  text: string;
  values: unknown[];
  preparedAs?: string;
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
export async function runPipelined<R extends Record<string, any>>(
  client: PoolClient,
  setup: readonly string[],
  text: string,
  values: unknown[],
  teardown: readonly string[] = [],
  preparedAs?: string,
): Promise<PipelinedResult<R>> {
  return (await runPipelinedMany<R>(client, setup, [{ text, values, preparedAs }], teardown))[0];
}

/**
 * `runPipelined` with several main statements, run in order in the same implicit transaction (each
 * sees what the ones before it wrote): all of them commit at the Sync, or none does. One result
 * per main statement.
 */
export function runPipelinedMany<R extends Record<string, any>>(
  client: PoolClient,
  setup: readonly string[],
  mains: readonly PipelinedMain[],
  teardown: readonly string[] = [],
): Promise<PipelinedResult<R>[]> {
  return new Promise((resolve, reject) => {
    client.query<PipelinedStatement>(new PipelinedStatement(setup, mains, teardown, resolve as (r: PipelinedResult<Record<string, unknown>>[]) => void, reject));
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

  /**
   * Forgets the least recently used names, except those in `keep`, so that `more` more fit (as far
   * as the kept ones allow); they are to be closed.
   */
  makeRoom(more: number, keep: ReadonlySet<string>): string[] {
    const evicted: string[] = [];
    for (const name of this.names) {
      if (this.names.size + more <= PREPARED_PER_CONNECTION) break;
      if (keep.has(name)) continue;
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
  private readonly decoders: RowDecoder[];
  private completed = 0;
  private failure: PipelineFailure | undefined;
  /** The connection's prepared names, when a main statement is a prepared one. */
  private prepared: PreparedNames | undefined;

  constructor(
    private readonly setup: readonly string[],
    private readonly mains: readonly PipelinedMain[],
    private readonly teardown: readonly string[],
    private readonly done: (results: PipelinedResult<Record<string, unknown>>[]) => void,
    private readonly fail: (err: PipelineFailure) => void,
  ) {
    this.decoders = mains.map(() => new runtime.Result());
  }

  submit(connection: Connection): void {
    const names = this.mains.some((m) => m.preparedAs !== undefined) ? preparedNames(connection) : undefined;
    this.prepared = names;
    // A named statement the connection does not hold yet is parsed under its name (once, by its
    // first use in this pipeline), after closing what it evicts. The closes go first: nothing
    // before them can fail, so they always run.
    const toPrepare = new Set<string>();
    const used = new Set<string>();
    for (const { preparedAs } of this.mains) {
      if (preparedAs === undefined || used.has(preparedAs)) continue;
      used.add(preparedAs);
      if (!names!.use(preparedAs)) toPrepare.add(preparedAs);
    }
    // Never closes a statement this pipeline binds.
    const evicted = toPrepare.size > 0 ? names!.makeRoom(toPrepare.size, used) : [];
    // Corked, so the whole pipeline leaves in one write. (pg's typings declare a `more` flag that
    // its Connection ignores.)
    connection.stream.cork();
    try {
      for (const name of evicted) connection.close({ type: 'S', name }, false);
      for (const t of this.setup) this.plain(connection, t);
      for (const { text, values, preparedAs } of this.mains) {
        if (preparedAs === undefined) {
          connection.parse({ name: '', text, types: [] }, false);
        } else if (toPrepare.delete(preparedAs)) {
          connection.close({ type: 'S', name: preparedAs }, false);
          connection.parse({ name: preparedAs, text, types: [] }, false);
        }
        connection.bind({ statement: preparedAs ?? '', values: values as string[], valueMapper: runtime.utils.prepareValue }, false);
        connection.describe({ type: 'P', name: '' }, false);
        connection.execute({}, false);
      }
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

  /** The main statement whose messages arrive now, if the pipeline is at one. */
  private get current(): number | undefined {
    const i = this.completed - this.setup.length;
    return i >= 0 && i < this.mains.length ? i : undefined;
  }

  handleRowDescription(msg: { fields: unknown[] }): void {
    const i = this.current;
    if (i !== undefined) this.decoders[i].addFields(msg.fields);
  }

  handleDataRow(msg: { fields: unknown[] }): void {
    const i = this.current;
    if (this.failure || i === undefined) return;
    try {
      this.decoders[i].rows.push(this.decoders[i].parseRow(msg.fields));
    } catch (err) {
      this.failure = err as Error; // reported once the backend is ready again
    }
  }

  handleCommandComplete(msg: unknown): void {
    const i = this.current;
    this.completed++;
    if (i === undefined) return;
    this.decoders[i].addCommandComplete(msg);
    const name = this.mains[i].preparedAs;
    if (name !== undefined) this.prepared!.add(name);
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
    // Failed at a main statement: it may not have been prepared, so it is parsed again next time.
    const i = this.current;
    const name = i === undefined ? undefined : this.mains[i].preparedAs;
    if (name !== undefined) this.prepared!.forget(name);
    this.fail(err);
  }

  handleReadyForQuery(): void {
    if (this.failure) this.fail(this.failure);
    else this.done(this.decoders.map((d) => ({ rows: d.rows, rowCount: d.rowCount ?? d.rows.length })));
  }
}
