/**
 * The only error type that leaves libs/store. pg errors are translated at the SQL boundary
 * (sql/pg-error.mapper.ts) so nothing above this lib ever looks at a SQLSTATE.
 */
export type StoreErrorCode =
  | 'STORE_NOT_FOUND'
  | 'STORE_ALREADY_EXISTS'
  | 'STORE_CONFLICT'
  | 'STORE_EXPIRED'
  | 'STORE_INVALID_CONTINUE'
  | 'STORE_UNAVAILABLE'
  | 'STORE_INVALID_NAME';

export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}
