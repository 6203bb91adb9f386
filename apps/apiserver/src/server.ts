import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WorkspaceAccess, WorkspaceDirectory } from '@kplane/control';
import { internalError, KubeStatusError, methodNotAllowed } from '@kplane/kube';
import { WatchHub, WorkspaceStore } from '@kplane/store';
import type { Logger } from 'pino';
import type { Pool } from 'pg';
import { authenticate } from './filters/authenticate.filter';
import { checkWorkspacePhase } from './filters/workspace-phase.filter';
import { notFoundResource, serveDiscovery, serveOpenApiV2, serveOpenApiV3, serveVersion } from './handlers/discovery.handler';
import { WatchLimits } from './handlers/watch.handler';
import { ApiRegistry } from './registry/api-registry';
import { routeResource } from './routing/resource-router';
import { sendJson, sendStatus } from './http/respond';
import { parseKubePath, splitPath } from './routing/request-path';

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
  registry: ApiRegistry;
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
    case 'group-version': {
      if (method !== 'GET') throw methodNotAllowed();
      const api = await workspaceApi(deps, access);
      return serveDiscovery(req, res, path, deps.serverAddress, api.resources);
    }
    case 'openapi-v2':
      return serveOpenApiV2(res);
    case 'openapi-v3':
    case 'openapi-v3-gv': {
      const api = await workspaceApi(deps, access);
      return serveOpenApiV3(res, path, api.resources, api.openApiExtras, api.crds.length === 0);
    }
    case 'resource':
      return routeResource(deps, req, res, url, access, path);
  }
}

function workspaceApi(deps: KubeServerDeps, access: WorkspaceAccess) {
  return deps.registry.forWorkspace(access.workspaceId, new WorkspaceStore(deps.poolFor(access.shard), access.workspaceId));
}

function sendText(res: ServerResponse, text: string): void {
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
