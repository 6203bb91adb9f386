import type { FieldProblem } from '../tenants/tenants.errors';

export type AuditErrorCode = 'AUDIT_FILTER_INVALID';

export class AuditError extends Error {
  override readonly name = 'AuditError';

  constructor(
    readonly code: AuditErrorCode,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }
}
