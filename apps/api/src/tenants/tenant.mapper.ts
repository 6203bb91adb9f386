import { completeQuota, Quota, TenantEntity, TenantPhase } from '@kplane/control';

export interface TenantResponse {
  id: string;
  name: string;
  displayName: string | null;
  labels: Record<string, string>;
  phase: TenantPhase;
  quota: Quota;
  createdAt: string;
  updatedAt: string;
}

export function toTenantResponse(tenant: TenantEntity): TenantResponse {
  return {
    id: tenant.id,
    name: tenant.name,
    displayName: tenant.displayName,
    labels: tenant.labels ?? {},
    phase: tenant.phase,
    quota: completeQuota(tenant.quota),
    createdAt: tenant.createdAt.toISOString(),
    updatedAt: tenant.updatedAt.toISOString(),
  };
}
