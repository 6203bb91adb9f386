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
