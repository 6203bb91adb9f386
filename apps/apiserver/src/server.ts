import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiRequestCounter, AuditWriter, WorkspaceAccess } from '@kplane/control';
import { authorize, BUILTIN_RESOURCES, forbiddenFor, internalError, isResourceAttributes, KubeStatusError, methodNotAllowed, parseBoolParam, serviceUnavailable } from '@kplane/kube';
import { isConnectionLoss, isStoreError, WatchHub, WorkspaceStore } from '@kplane/store';
import type { Logger } from 'pino';
import type { Pool } from 'pg';
import { Identity } from './auth/identity';
import { RbacStateCache } from './auth/rbac-state';
import { requestAttributes } from './auth/request-attributes';
import { ServiceAccountTokens } from './auth/service-account-tokens';
import type { WorkspaceAccessCache } from './auth/workspace-access-cache';
import { authenticate } from './filters/authenticate.filter';
import { WatchCounter, WorkspaceRateLimiter } from './filters/rate-limit.filter';
import { checkWorkspacePhase } from './filters/workspace-phase.filter';
import { serveSelfReview, serveTokenRequest } from './handlers/auth-reviews.handler';
import { notFoundResource, serveDiscovery, serveOpenApiV2, serveOpenApiV3, serveVersion } from './handlers/discovery.handler';
import { STOP_WATCH, WatchLimits } from './handlers/watch.handler';
import { auditNameOf, sendJson, sendStatus } from './http/respond';
import { ApiRegistry } from './registry/api-registry';
import { ApiserverMetrics, groupLabel } from './metrics/apiserver-metrics';
import { KubePath, parseKubePath, splitPath } from './routing/request-path';
import { routeResource } from './routing/resource-router';

export interface KubeServerDeps {
  directory: Pick<WorkspaceAccessCache, 'resolveToken' | 'resolveWorkspace' | 'onWorkspaceChange'>;
  /** The pool of the shard a workspace lives on. */
  poolFor(shard: string): Pool;
  /** The object store of a workspace (on its shard's pool, through the process's write gate). */
  storeFor(access: Pick<WorkspaceAccess, 'shard' | 'workspaceId'>): WorkspaceStore;
  logger: Logger;
  /** The watch hub of the shard a workspace lives on. */
  hubFor(shard: string): WatchHub;
  /** host:port clients reach us on, for `/api` serverAddressByClientCIDRs. */
  serverAddress: string;
  /** Public base URL (token issuer prefix). */
  publicUrl: string;
  watchLimits: WatchLimits;
  registry: ApiRegistry;
  rbac: RbacStateCache;
  saTokens: ServiceAccountTokens;
  rateLimiter: WorkspaceRateLimiter;
  watches: WatchCounter;
  audit?: Pick<AuditWriter, 'enqueue'>;
  metrics?: ApiserverMetrics;
  /** Per-workspace request and watch counts for the usage API (flushed in batches). */
  usage?: Pick<ApiRequestCounter, 'count' | 'reportOpenWatches'>;
}

const BUILTIN_GROUPS = new Set(BUILTIN_RESOURCES.map((r) => r.group));

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The filter chain of the Kubernetes endpoint, in order: request id -> path -> anonymous
 * endpoints -> authentication -> workspace phase -> rate limit -> authorization -> route.
 * Every error leaves as a Status; every write is audited.
 */
export function createKubeRequestHandler(deps: KubeServerDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = randomUUID();
    res.setHeader('Audit-Id', requestId);
    const started = Date.now();
    const ctx: RequestContext = { requestId };
    handle(deps, req, res, ctx)
      .catch((err) => {
        if (err instanceof KubeStatusError) {
          sendStatus(res, err);
          return;
        }
        if (isStoreError(err, 'STORE_UNAVAILABLE') || isConnectionLoss(err)) {
          // The database failed on a path that does not translate its errors itself (token lookup,
          // a namespace check, an RBAC read): the client may retry, as for any storage outage.
          deps.logger.warn({ requestId, err: (err as Error).message }, 'storage unavailable');
          sendStatus(res, serviceUnavailable('the storage backend is unavailable', 1));
          return;
        }
        if (req.aborted || (err as { code?: string }).code === 'ECONNRESET' || (err as Error).message === 'aborted') {
          deps.logger.debug({ requestId }, 'client went away mid-request');
          res.destroy();
          return;
        }
        deps.logger.error({ requestId, err: (err as Error).message, stack: (err as Error).stack }, 'unhandled error');
        sendStatus(res, internalError('an unexpected error occurred'));
      })
      .finally(() => {
        deps.logger.debug({ requestId, method: req.method, status: res.statusCode, ms: Date.now() - started }, 'request');
        const observe = () => deps.metrics?.observe(ctx.verb ?? 'other', groupLabel(ctx.group, BUILTIN_GROUPS), res.statusCode, (Date.now() - started) / 1000);
        if (res.writableFinished) observe();
        else res.once('close', observe);
        if (ctx.audit && WRITE_METHODS.has(req.method ?? '')) {
          let recorded = false;
          const done = () => {
            if (recorded) return;
            recorded = true;
            deps.audit?.enqueue({ ...ctx.audit!, name: ctx.audit!.name ?? auditNameOf(res), statusCode: res.statusCode });
          };
          if (res.writableFinished) done();
          else res.once('finish', done).once('close', done);
        }
      });
  };
}

interface RequestContext {
  requestId: string;
  verb?: string;
  group?: string;
  audit?: {
    actorKind: 'workspace-user';
    actorId: string;
    tenantId: string;
    workspaceId: string;
    source: 'kubernetes';
    verb: string;
    resource: string;
    name?: string;
    requestId: string;
    userAgent?: string;
  };
}

async function handle(deps: KubeServerDeps, req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
  // The query string only: WHATWG URL parsing would resolve `..` and `%2e%2e` (eating the segment
  // before them), so the path is split raw and dot segments are refused, never normalised.
  const url = new URL(req.url ?? '/', 'https://localhost');
  const { workspaceId, rest } = splitPath((req.url ?? '/').split('?')[0]);
  const path = parseKubePath(rest);
  // /version and the health endpoints are anonymous, as on kube-apiserver (§2 T16).
  if (path?.kind === 'version') return serveVersion(res);
  if (path?.kind === 'health') return sendText(res, 'ok');
  if (workspaceId === undefined && rest.length === 1 && rest[0] === 'metrics' && deps.metrics) {
    res.writeHead(200, { 'Content-Type': deps.metrics.registry.contentType });
    return void res.end(await deps.metrics.registry.metrics());
  }
  const { access, identity } = await authenticate(req, { directory: deps.directory, saTokens: deps.saTokens, storeFor: (a) => deps.storeFor(a) }, workspaceId);
  checkWorkspacePhase(access);
  deps.rateLimiter.take(access.workspaceId);
  const method = req.method ?? 'GET';
  const watch = parseBoolParam(url.searchParams.get('watch') ?? undefined) === true;
  const store = deps.storeFor(access);
  const attrs = requestAttributes(path, method, '/' + rest.join('/'), watch);
  ctx.verb = attrs.verb;
  deps.usage?.count(access.workspaceId, attrs.verb);
  if (isResourceAttributes(attrs)) ctx.group = attrs.group;
  if (isResourceAttributes(attrs)) {
    ctx.audit = {
      actorKind: 'workspace-user',
      actorId: identity.user.username,
      tenantId: access.tenantId,
      workspaceId: access.workspaceId,
      source: 'kubernetes',
      verb: attrs.verb,
      resource: [attrs.group || 'core', attrs.resource, attrs.subresource].filter(Boolean).join('/'),
      name: attrs.name,
      requestId: ctx.requestId,
      userAgent: String(req.headers['user-agent'] ?? '').slice(0, 256),
    };
  }
  await checkAuthorized(deps, identity, attrs, access, store);
  if (!path) throw notFoundResource();
  switch (path.kind) {
    case 'api':
    case 'apis':
    case 'group':
    case 'group-version': {
      if (method !== 'GET') throw methodNotAllowed();
      // Discovery always re-checks the CRD stamp: a client that just created a CRD through another
      // replica must find it here even before that replica's signal arrived.
      const api = await deps.registry.forWorkspace(access.workspaceId, store, deps.hubFor(access.shard), { revalidate: true });
      return serveDiscovery(req, res, path, deps.serverAddress, api.resources);
    }
    case 'openapi-v2':
      return serveOpenApiV2(res);
    case 'openapi-v3':
    case 'openapi-v3-gv': {
      const api = await deps.registry.forWorkspace(access.workspaceId, store, deps.hubFor(access.shard), { revalidate: true });
      return serveOpenApiV3(res, path, api.resources, api.openApiExtras, api.crds.length === 0);
    }
    case 'resource':
      return serveResource(deps, req, res, url, access, identity, store, path, watch);
  }
}

async function serveResource(
  deps: KubeServerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  access: WorkspaceAccess,
  identity: Identity,
  store: WorkspaceStore,
  path: Extract<KubePath, { kind: 'resource' }>,
  watch: boolean,
): Promise<void> {
  const method = req.method ?? 'GET';
  const selfReview = ['selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'selfsubjectreviews'].includes(path.resource) && path.group.startsWith('auth');
  if (selfReview && !path.name && !path.namespace) {
    if (method !== 'POST') throw methodNotAllowed();
    return serveSelfReview(req, res, path.resource, identity, () => deps.rbac.forWorkspace(access.workspaceId, store, deps.hubFor(access.shard)));
  }
  if (path.group === '' && path.resource === 'serviceaccounts' && path.subresource === 'token' && path.namespace && path.name) {
    if (method !== 'POST') throw methodNotAllowed();
    return serveTokenRequest(req, res, path, access.workspaceId, `${deps.publicUrl}/clusters/${access.workspaceId}`, store, deps.saTokens);
  }
  let release: (() => void) | undefined;
  if (watch && method === 'GET' && !path.name) {
    const acquired = deps.watches.acquire(access.workspaceId);
    const report = () => deps.usage?.reportOpenWatches(access.workspaceId, deps.watches.count(access.workspaceId));
    report();
    // A workspace suspended or deleted while watched: end its watches cleanly; the re-watch is refused.
    const unsubscribe = deps.directory.onWorkspaceChange(access.workspaceId, () => {
      deps.directory
        .resolveWorkspace(access.workspaceId)
        .then((now) => {
          if (!now || (now.phase !== 'Ready' && now.phase !== 'Provisioning')) res.emit(STOP_WATCH);
        })
        .catch(() => undefined);
    });
    release = () => {
      unsubscribe();
      acquired();
      report();
    };
    res.once('close', release);
  }
  try {
    await routeResource(deps, req, res, url, access, path);
  } finally {
    if (release && res.writableEnded) release();
  }
}

/** RBAC for service accounts; the workspace's admin token is cluster-admin (system:masters). */
async function checkAuthorized(
  deps: KubeServerDeps,
  identity: Identity,
  attrs: ReturnType<typeof requestAttributes>,
  access: WorkspaceAccess,
  store: WorkspaceStore,
): Promise<void> {
  if (identity.kind === 'workspace-admin') return;
  const decision = authorize(identity.user, attrs, await deps.rbac.forWorkspace(access.workspaceId, store, deps.hubFor(access.shard)));
  if (!decision.allowed) throw forbiddenFor(identity.user, attrs, decision.evaluationError ?? '');
}

function sendText(res: ServerResponse, text: string): void {
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

export { sendJson };
