import type { TenantUsage } from '@kplane/control';

export interface WorkspaceUsageResponse {
  workspace: string;
  workspaceId: string;
  objects: number;
  storageBytes: number;
  apiRequests: number;
  apiRequestsByVerb: Record<string, number>;
  openWatches: number;
  byResource: Record<string, number>;
  lastSampledAt: string;
}

export interface UsageResponse {
  tenant: string;
  from: string;
  to: string;
  workspaces: number;
  objects: number;
  storageBytes: number;
  apiRequests: number;
  openWatches: number;
  byWorkspace: WorkspaceUsageResponse[];
}

export function toUsageResponse(u: TenantUsage): UsageResponse {
  return {
    tenant: u.tenant,
    from: u.from.toISOString(),
    to: u.to.toISOString(),
    workspaces: u.workspaces,
    objects: u.objects,
    storageBytes: u.storageBytes,
    apiRequests: u.apiRequests,
    openWatches: u.openWatches,
    byWorkspace: u.byWorkspace.map((w) => ({
      workspace: w.workspace,
      workspaceId: w.workspaceId,
      objects: w.objects,
      storageBytes: w.storageBytes,
      apiRequests: w.apiRequests,
      apiRequestsByVerb: w.apiRequestsByVerb,
      openWatches: w.openWatches,
      byResource: w.byResource,
      lastSampledAt: w.lastSampledAt.toISOString(),
    })),
  };
}
