import { DatabaseError } from 'pg';
import { StoreError } from '../store.errors';

/**
 * The single place that reads SQLSTATEs: pg errors become StoreErrors here and nowhere above.
 * `statement` is the name of the statement that failed, for the message (never values).
 */
export function toStoreError(err: unknown, statement: string): StoreError {
  if (err instanceof StoreError) return err;
  const e = err as { code?: string; message?: string };
  const code = typeof e?.code === 'string' ? e.code : '';
  const msg = `${statement}: ${e?.message ?? String(err)}`;
  switch (code) {
    case '23505': // unique_violation (primary key or uid)
      return new StoreError('STORE_ALREADY_EXISTS', msg, { cause: err });
    case '40001': // serialization_failure
    case '40P01': // deadlock_detected
      return new StoreError('STORE_CONFLICT', msg, { cause: err });
    case '22P05': // untranslatable_character (e.g. \u0000 in jsonb)
    case '22021': // character_not_in_repertoire
    case '22P02': // invalid_text_representation (e.g. a uid that is not a uuid)
    case '54000': // program_limit_exceeded (value too large for an index)
      return new StoreError('STORE_INVALID_NAME', msg, { cause: err });
    case '3F000': // invalid_schema_name
    case '42P01': // undefined_table
      return new StoreError('STORE_UNAVAILABLE', `workspace schema is not provisioned (${msg})`, { cause: err });
  }
  // Connection loss, admin shutdown, too many connections, statement timeout and anything we did
  // not foresee: the caller can only retry later.
  return new StoreError('STORE_UNAVAILABLE', msg, { cause: err });
}

/** `SET ROLE` to a role that does not exist: the workspace is not (or no longer) provisioned. */
export function isMissingRole(err: unknown): boolean {
  const e = err as { code?: string };
  return e?.code === '22023' || e?.code === '42704';
}

/**
 * An error PostgreSQL reported for a statement while the session lives on (severity ERROR, not
 * FATAL or PANIC): the transaction it was in is rolled back and the connection is fit for reuse.
 * A session the server ends (terminated, shut down) is neither: the connection is gone, and the
 * end may come after a commit whose answer was lost.
 */
export function isStatementError(err: unknown): err is DatabaseError {
  return err instanceof DatabaseError && err.severity !== 'FATAL' && err.severity !== 'PANIC';
}

/** node-postgres' own errors when a connection is lost, refused or cannot be had in time. */
const CONNECTION_LOST = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/;

/**
 * Whether `err`, or what it wraps (a StoreError's cause, TypeORM's driverError), says that the
 * database could not be reached or ended the session, rather than that a statement failed: the
 * request may be retried once the database is back.
 */
export function isConnectionLoss(err: unknown): boolean {
  let e = err as { cause?: unknown; driverError?: unknown; code?: unknown; message?: unknown } | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    if (e instanceof DatabaseError) return !isStatementError(e) || /^(08|57P)/.test(e.code ?? '');
    if (typeof e.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(e.code)) return true;
    if (typeof e.message === 'string' && CONNECTION_LOST.test(e.message)) return true;
    e = (e.cause ?? e.driverError) as typeof e;
  }
  return false;
}
