import {
  notFound,
  prepareTokenRequest,
  RbacState,
  selfSubjectAccessReview,
  selfSubjectReview,
  selfSubjectRulesReview,
  tokenRequestResponse,
} from '@kplane/kube';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WorkspaceStore } from '@kplane/store';
import type { Identity } from '../auth/identity';
import type { ServiceAccountTokens } from '../auth/service-account-tokens';
import { readObjectBody } from '../http/request-body';
import { sendJson } from '../http/respond';
import type { KubePath } from '../routing/request-path';

/** Self reviews (`kubectl auth can-i`, `auth can-i --list`, `auth whoami`), answered, never stored (§16). */
export async function serveSelfReview(req: IncomingMessage, res: ServerResponse, resource: string, identity: Identity, rbac: () => Promise<RbacState>): Promise<void> {
  const body = await readObjectBody(req);
  switch (resource) {
    case 'selfsubjectaccessreviews':
      return sendJson(res, 201, selfSubjectAccessReview(identity.user, body, await rbac()));
    case 'selfsubjectrulesreviews':
      return sendJson(res, 201, selfSubjectRulesReview(identity.user, body, await rbac()));
    case 'selfsubjectreviews':
      return sendJson(res, 201, selfSubjectReview(identity.user, body));
  }
}

/** TokenRequest (`kubectl create token`): a JWT bound to the service account's uid. */
export async function serveTokenRequest(
  req: IncomingMessage,
  res: ServerResponse,
  path: Extract<KubePath, { kind: 'resource' }>,
  workspaceId: string,
  issuer: string,
  store: WorkspaceStore,
  tokens: ServiceAccountTokens,
): Promise<void> {
  const namespace = path.namespace!;
  const name = path.name!;
  const body = await readObjectBody(req);
  const sa = await store.get('serviceaccounts', namespace, name);
  if (!sa) throw notFound('serviceaccounts', '', name);
  const prepared = prepareTokenRequest(body, { namespace, name, audiences: [issuer] });
  const now = Math.floor(Date.now() / 1000);
  const token = tokens.sign(workspaceId, {
    iss: issuer,
    sub: `system:serviceaccount:${namespace}:${name}`,
    aud: prepared.audiences,
    iat: now,
    nbf: now,
    exp: Math.floor(new Date(prepared.expirationTimestamp).getTime() / 1000),
    'kubernetes.io': { namespace, serviceaccount: { name, uid: sa.metadata.uid } },
    'kplane.io/workspace': workspaceId,
  });
  for (const w of prepared.warnings) res.appendHeader('Warning', `299 - "${w.replace(/"/g, '')}"`);
  sendJson(res, 201, tokenRequestResponse(prepared.request, { token, expirationTimestamp: prepared.expirationTimestamp }));
}
