import type { WorkspaceQuota, WorkspaceQuotaCache } from '@kplane/control';
import { forbidden, KubeStatusError, ResourceType, serviceUnavailable } from '@kplane/kube';
import type { StoreQuota, StoreQuotaExceeded } from '@kplane/store';
import type { RateLimit } from '../filters/rate-limit.filter';

/** The name the tenant quota goes by in "exceeded quota" messages (one per workspace, like a ResourceQuota). */
export const TENANT_QUOTA_NAME = 'kplane-tenant-quota';

/**
 * Where handlers find workspace quotas. Installed once by main.ts; unset (tests that build the
 * handler without a control plane) means no quota is enforced.
 */
let installed: Pick<WorkspaceQuotaCache, 'get' | 'peek'> | undefined;

export function installWorkspaceQuotas(quotas: Pick<WorkspaceQuotaCache, 'get' | 'peek'> | undefined): void {
  installed = quotas;
}

/** The limits a create (or update) of this workspace is checked against inside the store transaction. */
export async function storeQuotaFor(workspaceId: string): Promise<StoreQuota | undefined> {
  if (!installed) return undefined;
  let q: WorkspaceQuota;
  try {
    q = await installed.get(workspaceId);
  } catch {
    throw serviceUnavailable('the quota of this workspace could not be read', 1);
  }
  if (q.maxObjects === null && q.maxStorageBytes === null) return undefined;
  return { maxObjects: q.maxObjects, maxStorageBytes: q.maxStorageBytes };
}

/**
 * The rate limit of a workspace: the server default, lowered to the tenant's
 * maxRequestsPerSecondPerWorkspace when that is set and lower (burst 2x the quota rate). Uses the
 * cached quota synchronously; the first requests of a workspace run at the default while it loads.
 */
export function workspaceRateLimit(defaults: () => RateLimit, quotas: Pick<WorkspaceQuotaCache, 'peek'> | undefined = installed) {
  return (workspaceId: string): RateLimit => {
    const base = defaults();
    const q = (quotas ?? installed)?.peek(workspaceId)?.maxRequestsPerSecond;
    if (q === null || q === undefined) return base;
    // 0 would mean "no limit" to the limiter; the smallest real rate is what 0 asks for.
    const perSecond = Math.max(q, 0.001);
    if (base.perSecond > 0 && base.perSecond <= perSecond) return base;
    return { perSecond, burst: Math.max(1, Math.floor(2 * perSecond)) };
  };
}

/**
 * The Kubernetes ResourceQuota admission message, e.g.
 * `configmaps "x" is forbidden: exceeded quota: kplane-tenant-quota, requested: count/objects=1, used: count/objects=10, limited: count/objects=10`.
 */
export function quotaExceeded(rt: ResourceType, name: string, q: StoreQuotaExceeded | undefined): KubeStatusError {
  const qualified = rt.group ? `${rt.resource}.${rt.group}` : rt.resource;
  const unit = q?.limit === 'storageBytes' ? 'kplane.io/storage-bytes' : 'count/objects';
  const detail = q
    ? `exceeded quota: ${TENANT_QUOTA_NAME}, requested: ${unit}=${q.requested}, used: ${unit}=${q.used}, limited: ${unit}=${q.limited}`
    : `exceeded quota: ${TENANT_QUOTA_NAME}`;
  return forbidden(`${qualified} "${name}" is forbidden: ${detail}`, { name, group: rt.group, kind: rt.resource });
}
