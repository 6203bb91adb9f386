import { OperationEntity, OperationStatus, OperationType } from '@kplane/control';

export interface OperationResponse {
  id: string;
  type: OperationType;
  tenant: string;
  workspace: string | null;
  status: OperationStatus;
  attempts: number;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toOperationResponse(op: OperationEntity): OperationResponse {
  return {
    id: op.id,
    type: op.type,
    tenant: op.tenantName,
    workspace: op.workspaceName,
    status: op.status,
    attempts: op.attempts,
    error: op.error,
    createdAt: op.createdAt.toISOString(),
    startedAt: iso(op.startedAt),
    finishedAt: iso(op.finishedAt),
  };
}

export function operationLocation(id: string): string {
  return `/v1/operations/${id}`;
}
