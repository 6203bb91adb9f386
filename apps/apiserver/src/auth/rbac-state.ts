import type { RbacState } from '@kplane/kube';
import type { WorkspaceStore } from '@kplane/store';

const RBAC_KEYS = {
  roles: 'roles.rbac.authorization.k8s.io',
  clusterRoles: 'clusterroles.rbac.authorization.k8s.io',
  roleBindings: 'rolebindings.rbac.authorization.k8s.io',
  clusterRoleBindings: 'clusterrolebindings.rbac.authorization.k8s.io',
} as const;

const MAX_WORKSPACES = 1000;

/**
 * The RBAC objects of a workspace, cached and re-validated per request with one stamp query per
 * kind, so a Role or binding written through any replica takes effect at once.
 */
export class RbacStateCache {
  private readonly cache = new Map<string, { stamp: string; state: RbacState }>();

  async forWorkspace(workspaceId: string, store: WorkspaceStore): Promise<RbacState> {
    const stamps = await Promise.all(Object.values(RBAC_KEYS).map((k) => store.resourceStamp(k)));
    const stamp = stamps.join('|');
    const hit = this.cache.get(workspaceId);
    if (hit && hit.stamp === stamp) return hit.state;
    const [roles, clusterRoles, roleBindings, clusterRoleBindings] = await Promise.all(
      Object.values(RBAC_KEYS).map(async (k) => (await store.list(k, {})).items),
    );
    const state = { roles, clusterRoles, roleBindings, clusterRoleBindings } as unknown as RbacState;
    this.cache.delete(workspaceId);
    this.cache.set(workspaceId, { stamp, state });
    if (this.cache.size > MAX_WORKSPACES) this.cache.delete(this.cache.keys().next().value as string);
    return state;
  }
}
