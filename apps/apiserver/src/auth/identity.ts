import type { UserInfo } from '@kplane/kube';

/** Who is calling: the workspace's own admin (its kubeconfig token) or one of its service accounts. */
export interface Identity {
  kind: 'workspace-admin' | 'service-account';
  user: UserInfo;
}

/** The kubeconfig token is the cluster's admin credential, like a cluster-admin client certificate. */
export const WORKSPACE_ADMIN: Identity = {
  kind: 'workspace-admin',
  user: { username: 'kplane:workspace-admin', groups: ['system:masters', 'system:authenticated'] },
};

export function serviceAccountIdentity(namespace: string, name: string, uid: string): Identity {
  return {
    kind: 'service-account',
    user: {
      username: `system:serviceaccount:${namespace}:${name}`,
      uid,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
    },
  };
}
