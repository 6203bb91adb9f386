import type { RbacState } from '@kplane/kube';
import type { ChangeSignal, WorkspaceStore } from '@kplane/store';
import { ChangeFeed, ChangeTrackedCache } from '../registry/change-tracked-cache';

const RBAC_KEYS = {
  roles: 'roles.rbac.authorization.k8s.io',
  clusterRoles: 'clusterroles.rbac.authorization.k8s.io',
  roleBindings: 'rolebindings.rbac.authorization.k8s.io',
  clusterRoleBindings: 'clusterrolebindings.rbac.authorization.k8s.io',
} as const;

export const RBAC_STORAGE_KEYS: ReadonlySet<string> = new Set(Object.values(RBAC_KEYS));

/**
 * The RBAC objects of a workspace, cached per replica and dropped when an RBAC write is
 * signalled; without a trusted entry, re-validated with one stamp query per kind, so a Role or
 * binding written through any replica takes effect there too.
 */
export class RbacStateCache {
  private readonly cache = new ChangeTrackedCache<RbacState>(RBAC_STORAGE_KEYS);

  async forWorkspace(workspaceId: string, store: WorkspaceStore, feed?: ChangeFeed): Promise<RbacState> {
    return this.cache.get(workspaceId, feed, {
      stamp: async () => (await Promise.all(Object.values(RBAC_KEYS).map((k) => store.resourceStamp(k)))).join('|'),
      load: async () => {
        const [roles, clusterRoles, roleBindings, clusterRoleBindings] = await Promise.all(
          Object.values(RBAC_KEYS).map(async (k) => (await store.list(k, {})).items),
        );
        return { roles, clusterRoles, roleBindings, clusterRoleBindings } as unknown as RbacState;
      },
    });
  }

  observe(signal: ChangeSignal): void {
    this.cache.observe(signal);
  }

  invalidate(workspaceId: string): void {
    this.cache.invalidate(workspaceId);
  }
}
