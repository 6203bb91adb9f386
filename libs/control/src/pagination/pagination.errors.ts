/** Problems with the query of a list request (cursor, selectors). */
export type QueryErrorCode = 'INVALID_CURSOR' | 'INVALID_LIMIT' | 'INVALID_LABEL_SELECTOR';

export class QueryError extends Error {
  override readonly name = 'QueryError';

  constructor(
    readonly code: QueryErrorCode,
    message: string,
  ) {
    super(message);
  }
}
