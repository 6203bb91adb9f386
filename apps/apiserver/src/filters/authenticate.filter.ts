import type { IncomingMessage } from 'node:http';
import { unauthorized } from '@kplane/kube';
import type { WorkspaceAccess, WorkspaceDirectory } from '@kplane/control';

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]{1,512})\s*$/;

/**
 * A token opens exactly one workspace. A token of another workspace, a revoked token and
 * no token at all get the same 401, so a caller learns nothing about other workspaces.
 */
export async function authenticate(req: IncomingMessage, directory: WorkspaceDirectory, urlWorkspaceId: string | undefined): Promise<WorkspaceAccess> {
  const header = req.headers.authorization;
  const match = header ? BEARER.exec(header) : null;
  if (!match) throw unauthorized();
  const access = await directory.resolveToken(match[1]);
  if (!access) throw unauthorized();
  if (urlWorkspaceId !== undefined && access.workspaceId !== urlWorkspaceId) throw unauthorized();
  return access;
}
