import type { WorkspaceAccess } from '@kplane/control';
import { notFound, serviceUnavailable } from '@kplane/kube';

/** Only a workspace being provisioned (for its smoke test) or ready serves its API. */
export function checkWorkspacePhase(access: WorkspaceAccess): void {
  switch (access.phase) {
    case 'Ready':
    case 'Provisioning':
      return;
    case 'Suspended':
      throw serviceUnavailable('this workspace is suspended', 30);
    case 'Pending':
    case 'Deleting':
    case 'Failed':
      throw notFound('clusters', '', access.workspaceId);
    default: {
      const unreachable: never = access.phase;
      throw notFound('clusters', '', String(unreachable));
    }
  }
}
