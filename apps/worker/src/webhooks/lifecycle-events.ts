import { emitEvent, OperationEntity, SqlExecutor, WebhookEventType } from '@kplane/control';

/** The event an operation's success announces (null: none). */
export function eventForSuccess(type: OperationEntity['type']): WebhookEventType | null {
  switch (type) {
    case 'ProvisionWorkspace':
      return 'workspace.provisioned';
    case 'DeprovisionWorkspace':
      return 'workspace.deleted';
    case 'SuspendWorkspace':
      return 'workspace.suspended';
    case 'ResumeWorkspace':
      return 'workspace.resumed';
    case 'RotateCredentials':
    case 'DeleteTenant':
      return null;
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

/**
 * Writes the operation's lifecycle event to the outbox. The dedupe key is the operation and the
 * event type, so a job that crashes after emitting and runs again emits nothing new.
 */
export async function emitOperationEvent(db: SqlExecutor, operation: OperationEntity, type: WebhookEventType, extra: Record<string, unknown> = {}): Promise<string | null> {
  return emitEvent(db, {
    type,
    tenantId: operation.tenantId,
    workspaceId: operation.workspaceId,
    subject: operation.workspaceName ? `tenants/${operation.tenantName}/workspaces/${operation.workspaceName}` : `tenants/${operation.tenantName}`,
    dedupeKey: `operation:${operation.id}:${type}`,
    data: {
      tenant: { id: operation.tenantId, name: operation.tenantName },
      workspace: operation.workspaceId ? { id: operation.workspaceId, name: operation.workspaceName } : null,
      operation: { id: operation.id, type: operation.type },
      ...extra,
    },
  });
}
