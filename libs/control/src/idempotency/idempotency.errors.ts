export type IdempotencyErrorCode = 'IDEMPOTENCY_KEY_INVALID' | 'IDEMPOTENCY_KEY_REUSED' | 'IDEMPOTENCY_REQUEST_IN_PROGRESS';

export class IdempotencyError extends Error {
  override readonly name = 'IdempotencyError';

  constructor(
    readonly code: IdempotencyErrorCode,
    message: string,
  ) {
    super(message);
  }
}
