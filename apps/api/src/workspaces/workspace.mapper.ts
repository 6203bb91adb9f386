import { WorkspaceEntity, workspaceEndpoint, WorkspacePhase } from '@kplane/control';

export interface WorkspaceResponse {
  id: string;
  tenant: string;
  name: string;
  displayName: string | null;
  labels: Record<string, string>;
  phase: WorkspacePhase;
  message: string;
  endpoint: string;
  shard: string;
  createdAt: string;
  readyAt: string | null;
  updatedAt: string;
}

export function toWorkspaceResponse(ws: WorkspaceEntity, tenantName: string, apiserverBaseUrl: string): WorkspaceResponse {
  return {
    id: ws.id,
    tenant: tenantName,
    name: ws.name,
    displayName: ws.displayName,
    labels: ws.labels ?? {},
    phase: ws.phase,
    message: ws.message,
    endpoint: workspaceEndpoint(apiserverBaseUrl, ws.id),
    shard: ws.shard,
    createdAt: ws.createdAt.toISOString(),
    readyAt: ws.readyAt ? ws.readyAt.toISOString() : null,
    updatedAt: ws.updatedAt.toISOString(),
  };
}

/** The workspace's path under the API (the `Location` of a create). */
export function workspaceLocation(tenantName: string, workspaceName: string): string {
  return `/v1/tenants/${encodeURIComponent(tenantName)}/workspaces/${encodeURIComponent(workspaceName)}`;
}
