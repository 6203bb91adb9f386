import type { FieldProblem } from '../tenants/tenants.errors';

export type ApiKeyErrorCode = 'API_KEY_NOT_FOUND' | 'API_KEY_NAME_TAKEN' | 'API_KEY_INVALID';

export class ApiKeyError extends Error {
  override readonly name = 'ApiKeyError';

  constructor(
    readonly code: ApiKeyErrorCode,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }
}
