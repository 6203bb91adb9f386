export type RateLimitErrorCode = 'RATE_LIMITED';

/** The caller's token bucket is empty; retry after `retryAfterSeconds`. */
export class RateLimitError extends Error {
  override readonly name = 'RateLimitError';

  constructor(
    readonly code: RateLimitErrorCode,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
