import type { FieldProblem } from '../tenants/tenants.errors';

export type UsageErrorCode = 'USAGE_PERIOD_INVALID';

export class UsageError extends Error {
  override readonly name = 'UsageError';

  constructor(
    readonly code: UsageErrorCode,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }
}
