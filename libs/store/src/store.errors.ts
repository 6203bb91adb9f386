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
  | 'STORE_INVALID_NAME'
  | 'STORE_QUOTA_EXCEEDED';

/** Which limit a write would exceed (set on STORE_QUOTA_EXCEEDED), in ResourceQuota terms. */
export interface StoreQuotaExceeded {
  /** 'objects': the object count; 'storageBytes': the sum of stored body sizes. */
  limit: 'objects' | 'storageBytes';
  /** What the write adds (1 object, or the bytes it grows storage by). */
  requested: number;
  /** Usage before the write. */
  used: number;
  /** The limit in force. */
  limited: number;
}

export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown; quota?: StoreQuotaExceeded },
  ) {
    super(message, options);
    this.quota = options?.quota;
  }

  /** Set on STORE_QUOTA_EXCEEDED. */
  readonly quota?: StoreQuotaExceeded;
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}
