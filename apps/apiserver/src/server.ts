import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WorkspaceAccess, WorkspaceDirectory } from '@kplane/control';
import { findResource, internalError, KubeStatusError, methodNotAllowed, notFound, parseBoolParam } from '@kplane/kube';
import { finalizeNamespace, WatchHub, WorkspaceStore } from '@kplane/store';
import type { Logger } from 'pino';
import type { Pool } from 'pg';
import { authenticate } from './filters/authenticate.filter';
import { checkWorkspacePhase } from './filters/workspace-phase.filter';
import { deleteCollection, deleteObject, DeletionFollowUp } from './handlers/delete.handler';
import { completeForegroundDeletion } from './handlers/dependents';
import { notFoundResource, serveDiscovery, serveOpenApiV2, serveOpenApiV3, serveVersion } from './handlers/discovery.handler';
import { getObject, listObjects } from './handlers/read.handler';
import { ResourceRequest } from './handlers/request-context';
import { createObject, patchObject, replaceObject } from './handlers/write.handler';
import { watchObjects, WatchLimits } from './handlers/watch.handler';
import { sendJson, sendStatus } from './http/respond';
import { KubePath, parseKubePath, splitPath } from './routing/request-path';

export interface KubeServerDeps {
  directory: WorkspaceDirectory;
  /** The pool of the shard a workspace lives on. */
  poolFor(shard: string): Pool;
  logger: Logger;
  /** The watch hub of the shard a workspace lives on. */
  hubFor(shard: string): WatchHub;
  /** host:port clients reach us on, for `/api` serverAddressByClientCIDRs. */
  serverAddress: string;
  watchLimits: WatchLimits;
}

/**
 * The filter chain of the Kubernetes endpoint, in order: request id -> path -> anonymous
 * endpoints -> bearer token -> workspace phase -> route. Every error leaves as a Status.
 */
export function createKubeRequestHandler(deps: KubeServerDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = randomUUID();
    res.setHeader('Audit-Id', requestId);
    const started = Date.now();
    handle(deps, req, res)
      .catch((err) => {
        if (err instanceof KubeStatusError) {
          sendStatus(res, err);
          return;
        }
        deps.logger.error({ requestId, err: (err as Error).message, stack: (err as Error).stack }, 'unhandled error');
        sendStatus(res, internalError('an unexpected error occurred'));
      })
      .finally(() => {
        deps.logger.debug({ requestId, method: req.method, status: res.statusCode, ms: Date.now() - started }, 'request');
      });
  };
}

async function handle(deps: KubeServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://localhost');
  const { workspaceId, rest } = splitPath(url.pathname);
  const path = parseKubePath(rest);
  // /version and the health endpoints are anonymous, as on kube-apiserver (§2 T16).
  if (path?.kind === 'version') return serveVersion(res);
  if (path?.kind === 'health') return sendText(res, 'ok');
  const access = await authenticate(req, deps.directory, workspaceId);
  checkWorkspacePhase(access);
  if (!path) throw notFoundResource();
  const method = req.method ?? 'GET';
  switch (path.kind) {
    case 'api':
    case 'apis':
    case 'group':
    case 'group-version':
      if (method !== 'GET') throw methodNotAllowed();
      return serveDiscovery(req, res, path, deps.serverAddress);
    case 'openapi-v2':
      return serveOpenApiV2(res);
    case 'openapi-v3':
    case 'openapi-v3-gv':
      return serveOpenApiV3(res, path);
    case 'resource': {
      const store = new WorkspaceStore(deps.poolFor(access.shard), access.workspaceId);
      return routeResource(deps, req, res, url, store, access, path);
    }
  }
}

function sendText(res: ServerResponse, text: string): void {
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

async function routeResource(
  deps: KubeServerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  store: WorkspaceStore,
  access: WorkspaceAccess,
  path: Extract<KubePath, { kind: 'resource' }>,
): Promise<void> {
  const workspaceId = access.workspaceId;
  const rt = findResource(path.group, path.version, path.resource);
  if (!rt || (!rt.namespaced && path.namespace !== undefined)) throw notFoundResource();
  if (path.subresource && !(rt.subresources as string[]).includes(path.subresource)) throw notFoundResource();
  const background = (what: string, work: () => Promise<unknown>) => {
    work().catch((err) => deps.logger.warn({ workspaceId, err: (err as Error).message }, `${what} failed; the worker's sweep will finish it`));
  };
  const followUp: DeletionFollowUp = {
    namespaceTerminating: (ns) => background('namespace finalization', () => finalizeNamespace(store, ns)),
    collectGarbage: () => background('garbage collection', () => store.collectGarbage()),
    foreground: (owner) => background('foreground deletion', () => completeForegroundDeletion(store, rt, owner)),
  };
  const r: ResourceRequest = {
    req,
    res,
    query: url.searchParams,
    workspaceId,
    store,
    rt,
    namespace: path.namespace,
    name: path.name,
    subresource: path.subresource,
    followUp,
  };
  const method = req.method ?? 'GET';
  if (!path.name) {
    if (method === 'GET') {
      if (parseBoolParam(url.searchParams.get('watch') ?? undefined)) return watchObjects(r, deps.hubFor(access.shard), deps.watchLimits);
      return listObjects(r);
    }
    if (method === 'POST') return createObject(r);
    if (method === 'DELETE') return deleteCollection(r, followUp);
    throw methodNotAllowed();
  }
  switch (method) {
    case 'GET':
      return getObject(r);
    case 'PUT':
      return replaceObject(r);
    case 'PATCH':
      return patchObject(r);
    case 'DELETE':
      if (path.subresource) throw methodNotAllowed();
      return deleteObject(r, followUp);
    default:
      throw methodNotAllowed();
  }
}

export { notFound, sendJson };
