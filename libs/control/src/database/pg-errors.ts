import { QueryFailedError } from 'typeorm';

/** The only place that reads SQLSTATE codes; repositories turn these into domain errors. */
interface DriverError {
  code?: string;
  constraint?: string;
}

function driverError(err: unknown): DriverError | null {
  if (err instanceof QueryFailedError) return (err.driverError ?? {}) as DriverError;
  if (err && typeof err === 'object' && 'code' in err) return err as DriverError;
  return null;
}

/** 23505 unique_violation on the named constraint. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const d = driverError(err);
  return d?.code === '23505' && d.constraint === constraint;
}

/** 23503 foreign_key_violation on the named constraint. */
export function isForeignKeyViolation(err: unknown, constraint: string): boolean {
  const d = driverError(err);
  return d?.code === '23503' && d.constraint === constraint;
}

/** 40001 serialization_failure / 40P01 deadlock_detected: the transaction may be retried. */
export function isRetryableTransactionError(err: unknown): boolean {
  const code = driverError(err)?.code;
  return code === '40001' || code === '40P01';
}

/** too_many_connections, the database missing, authentication failures: nothing can be recorded. */
const UNAVAILABLE_SQLSTATES = new Set(['53300', '3D000', '28000', '28P01']);
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE', 'EAI_AGAIN']);

/**
 * True when the error says PostgreSQL could not be reached or went away (connection
 * refused, class 08 connection exceptions, 57P0x shutdown, pool/connect timeouts).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (UNAVAILABLE_NODE_CODES.has(code) || code.startsWith('08') || /^57P0[1-3]$/.test(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
    }
    const message = (current as { message?: unknown }).message;
    if (
      typeof message === 'string' &&
      /Connection terminated|timeout exceeded when trying to connect|Connection terminated due to connection timeout|the database system is (starting up|shutting down)|Client has encountered a connection error/i.test(message)
    ) {
      return true;
    }
    current = (current as { driverError?: unknown; cause?: unknown }).driverError ?? (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Class 22 data exceptions (bad input that reached SQL, e.g. NUL bytes in text). */
export function isDataException(err: unknown): boolean {
  const code = driverError(err)?.code;
  return typeof code === 'string' && code.startsWith('22');
}
