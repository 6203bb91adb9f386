export type WorkspaceErrorCode =
  | 'WORKSPACE_NOT_FOUND'
  | 'WORKSPACE_NAME_TAKEN'
  | 'WORKSPACE_INVALID'
  | 'WORKSPACE_NOT_READY'
  | 'WORKSPACE_DELETING'
  | 'WORKSPACE_CREDENTIALS_MISSING'
  | 'CLUSTER_CA_MISSING';

export class WorkspaceError extends Error {
  override readonly name = 'WorkspaceError';

  constructor(
    readonly code: WorkspaceErrorCode,
    message: string,
    readonly fields: { field: string; message: string }[] = [],
  ) {
    super(message);
  }

  static notFound(tenant: string, name: string): WorkspaceError {
    return new WorkspaceError('WORKSPACE_NOT_FOUND', `workspace "${name}" not found in tenant "${tenant}"`);
  }
}
