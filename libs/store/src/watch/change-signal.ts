/**
 * What every committed write NOTIFYs on CHANGES_CHANNEL: `<workspaceId>:<rv>[:<resource>]`.
 * The hub uses it to wake a workspace's watch reader; caches of small resources (CRDs, RBAC)
 * use the resource to drop what a write made stale. No resource means "any" (bulk writes that
 * span resources).
 */
export interface ChangeSignal {
  workspaceId: string;
  rv: string;
  resource: string | null;
}

export function formatChangeSignal(workspaceId: string, rv: string, resource?: string): string {
  return resource ? `${workspaceId}:${rv}:${resource}` : `${workspaceId}:${rv}`;
}

/** Null for anything that is not a change signal (other payloads on the channel are ignored). */
export function parseChangeSignal(payload: string): ChangeSignal | null {
  const [workspaceId, rv, resource, ...extra] = payload.split(':');
  if (!workspaceId || !rv || !/^[0-9]+$/.test(rv) || extra.length > 0) return null;
  return { workspaceId, rv, resource: resource || null };
}
