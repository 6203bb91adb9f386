import type { IncomingMessage } from 'node:http';
import type { WorkspaceAccess } from '@kplane/control';
import { unauthorized } from '@kplane/kube';
import type { WorkspaceStore } from '@kplane/store';
import { Identity, serviceAccountIdentity, WORKSPACE_ADMIN } from '../auth/identity';
import { ServiceAccountTokens } from '../auth/service-account-tokens';
import type { WorkspaceAccessCache } from '../auth/workspace-access-cache';

/** The scheme is case-insensitive (RFC 7235), as kube-apiserver matches it. */
const BEARER = /^bearer\s+([A-Za-z0-9._~+/=-]{1,4096})\s*$/i;

export interface AuthenticationDeps {
  directory: Pick<WorkspaceAccessCache, 'resolveToken' | 'resolveWorkspace'>;
  saTokens: ServiceAccountTokens;
  storeFor(access: WorkspaceAccess): WorkspaceStore;
}

export interface Authenticated {
  access: WorkspaceAccess;
  identity: Identity;
}

/**
 * A token opens exactly one workspace. A token of another workspace, a revoked or expired token,
 * a token of a deleted service account and no token at all get the same 401, so a caller learns
 * nothing about other workspaces.
 */
export async function authenticate(req: IncomingMessage, deps: AuthenticationDeps, urlWorkspaceId: string | undefined): Promise<Authenticated> {
  const header = req.headers.authorization;
  const match = header ? BEARER.exec(header) : null;
  if (!match) throw unauthorized();
  const token = match[1];
  if (token.split('.').length === 3) return authenticateServiceAccount(token, deps, urlWorkspaceId);
  const access = await deps.directory.resolveToken(token);
  if (!access) throw unauthorized();
  if (urlWorkspaceId !== undefined && access.workspaceId !== urlWorkspaceId) throw unauthorized();
  return { access, identity: WORKSPACE_ADMIN };
}

async function authenticateServiceAccount(token: string, deps: AuthenticationDeps, urlWorkspaceId: string | undefined): Promise<Authenticated> {
  const workspaceId = urlWorkspaceId ?? ServiceAccountTokens.workspaceOf(token);
  if (!workspaceId) throw unauthorized();
  const claims = deps.saTokens.verify(workspaceId, token);
  if (!claims) throw unauthorized();
  const access = await deps.directory.resolveWorkspace(workspaceId);
  if (!access) throw unauthorized();
  const { namespace, serviceaccount } = claims['kubernetes.io'];
  // Bound token: it dies with the service account it was issued for.
  const sa = await deps.storeFor(access).get('serviceaccounts', namespace, serviceaccount.name).catch(() => null);
  if (!sa || sa.metadata.uid !== serviceaccount.uid || sa.metadata.deletionTimestamp) throw unauthorized();
  return { access, identity: serviceAccountIdentity(namespace, serviceaccount.name, serviceaccount.uid) };
}
