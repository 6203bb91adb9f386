import { AuditEvent } from '@kplane/control';

export interface AuditEventResponse {
  id: string;
  at: string;
  actor: { kind: string; id: string | null };
  tenantId: string | null;
  workspaceId: string | null;
  source: string;
  verb: string;
  resource: string;
  name: string | null;
  statusCode: number;
  outcome: string;
  requestId: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

export function toAuditEventResponse(e: AuditEvent): AuditEventResponse {
  return {
    id: e.id,
    at: e.at.toISOString(),
    actor: { kind: e.actorKind, id: e.actorId },
    tenantId: e.tenantId,
    workspaceId: e.workspaceId,
    source: e.source,
    verb: e.verb,
    resource: e.resource,
    name: e.name,
    statusCode: e.statusCode,
    outcome: e.outcome,
    requestId: e.requestId,
    userAgent: e.userAgent,
    details: e.details,
  };
}
