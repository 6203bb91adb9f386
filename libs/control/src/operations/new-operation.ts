import { randomUUID } from 'node:crypto';
import { OperationEntity, OperationType } from './operation.entity';

export interface NewOperationInput {
  type: OperationType;
  tenantId: string;
  tenantName: string;
  workspaceId?: string | null;
  workspaceName?: string | null;
}

/** A Queued operation row, ready to insert in the same transaction as the desired state. */
export function newOperation(input: NewOperationInput): OperationEntity {
  const op = new OperationEntity();
  op.id = randomUUID();
  op.type = input.type;
  op.tenantId = input.tenantId;
  op.tenantName = input.tenantName;
  op.workspaceId = input.workspaceId ?? null;
  op.workspaceName = input.workspaceName ?? null;
  op.status = 'Queued';
  op.attempts = 0;
  op.error = null;
  op.startedAt = null;
  op.finishedAt = null;
  return op;
}

export const IN_FLIGHT_STATUSES = ['Queued', 'Running'] as const;
