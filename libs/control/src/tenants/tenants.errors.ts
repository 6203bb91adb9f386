export type TenantErrorCode =
  | 'TENANT_NOT_FOUND'
  | 'TENANT_NAME_TAKEN'
  | 'TENANT_DELETING'
  | 'TENANT_INVALID'
  | 'ADMIN_ONLY'
  | 'QUOTA_EXCEEDED';

export interface FieldProblem {
  field: string;
  message: string;
}

export class TenantError extends Error {
  override readonly name = 'TenantError';

  constructor(
    readonly code: TenantErrorCode,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }

  static notFound(name: string): TenantError {
    return new TenantError('TENANT_NOT_FOUND', `tenant "${name}" not found`);
  }
}
