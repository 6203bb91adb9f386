import type { IncomingMessage, ServerResponse } from 'node:http';
import { emitEvent, WorkspaceAccess } from '@kplane/control';
import { methodNotAllowed, parseBoolParam } from '@kplane/kube';
import { finalizeCrd, finalizeNamespace } from '@kplane/store';
import { deleteCollection, deleteObject, DeletionFollowUp } from '../handlers/delete.handler';
import { completeForegroundDeletion } from '../handlers/dependents';
import { notFoundResource } from '../handlers/discovery.handler';
import { getObject, listObjects } from '../handlers/read.handler';
import { ResourceRequest } from '../handlers/request-context';
import { getScale, patchScale, replaceScale } from '../handlers/scale.handler';
import { watchObjects } from '../handlers/watch.handler';
import { createObject, patchObject, replaceObject } from '../handlers/write.handler';
import { ApiRegistry, CRD_STORAGE_KEY, lookupResource, WorkspaceApi } from '../registry/api-registry';
import { crdBehaviour } from '../registry/crd-behaviour';
import { builtinBehaviour, customBehaviour } from '../registry/resource-behaviour';
import { RBAC_STORAGE_KEYS } from '../auth/rbac-state';
import type { KubePath } from './request-path';
import type { KubeServerDeps } from '../server';

/** Resolves the resource type (built-in or custom) and dispatches on verb and subresource. */
export async function routeResource(
  deps: KubeServerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  access: WorkspaceAccess,
  path: Extract<KubePath, { kind: 'resource' }>,
): Promise<void> {
  const workspaceId = access.workspaceId;
  const store = deps.storeFor(access);
  const builtinGroup = lookupResource(null, path.group, path.version, path.resource);
  const isCrd = builtinGroup && `${builtinGroup.rt.resource}.${builtinGroup.rt.group}` === CRD_STORAGE_KEY;
  // The registry is needed for custom resources and for CRD writes only.
  const feed = deps.hubFor(access.shard);
  let api: WorkspaceApi | null = !builtinGroup || isCrd ? await deps.registry.forWorkspace(workspaceId, store, feed) : null;
  let found = builtinGroup ?? lookupResource(api, path.group, path.version, path.resource);
  if (!found && api) {
    // Unknown to the cached surface: a CRD created through another replica may not be signalled yet.
    api = await deps.registry.forWorkspace(workspaceId, store, feed, { revalidate: true });
    found = lookupResource(api, path.group, path.version, path.resource);
  }
  if (!found || (!found.rt.namespaced && path.namespace !== undefined)) throw notFoundResource();
  const { rt, custom } = found;
  if (path.subresource && !(rt.subresources as string[]).includes(path.subresource)) throw notFoundResource();

  const background = (what: string, work: () => Promise<unknown>) => {
    work().catch((err) => deps.logger.warn({ workspaceId, err: (err as Error).message }, `${what} failed; the worker's sweep will finish it`));
  };
  const followUp: DeletionFollowUp = {
    namespaceTerminating: (ns) => background('namespace finalization', () => finalizeNamespace(store, ns)),
    crdTerminating: (name) => background('custom resource cleanup', () => finalizeCrd(store, name)),
    collectGarbage: () => background('garbage collection', () => store.collectGarbage()),
    foreground: (owner) => background('foreground deletion', () => completeForegroundDeletion(store, rt, owner)),
    quotaExceeded: (detail) =>
      background('quota.exceeded event', () =>
        emitEvent(deps.poolFor(access.shard), {
          type: 'quota.exceeded',
          tenantId: access.tenantId,
          workspaceId,
          subject: `workspaces/${workspaceId}`,
          data: { workspaceId, resource: rt.resource, group: rt.group, ...detail },
          dedupeKey: `quota.exceeded:${workspaceId}:${Math.floor(Date.now() / 60_000)}`,
        }),
      ),
  };
  const behaviour = custom ? customBehaviour(custom, api!) : isCrd ? crdBehaviour(rt, api!, store) : builtinBehaviour(rt);
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
    behaviour,
    custom,
    logger: deps.logger,
  };
  const method = req.method ?? 'GET';
  if (method !== 'GET') {
    const storageKey = `${rt.resource}.${rt.group}`;
    if (storageKey === CRD_STORAGE_KEY || RBAC_STORAGE_KEYS.has(storageKey)) {
      // This replica's own writes take effect on its next request, before their signal arrives.
      try {
        return await dispatch(r, deps, access, path, method, followUp);
      } finally {
        deps.registry.invalidate(workspaceId);
        deps.rbac.invalidate(workspaceId);
      }
    }
  }
  return dispatch(r, deps, access, path, method, followUp);
}

async function dispatch(
  r: ResourceRequest,
  deps: KubeServerDeps,
  access: WorkspaceAccess,
  path: Extract<KubePath, { kind: 'resource' }>,
  method: string,
  followUp: DeletionFollowUp,
): Promise<void> {
  if (!path.name) {
    if (method === 'GET') {
      if (parseBoolParam(r.query.get('watch') ?? undefined)) return watchObjects(r, deps.hubFor(access.shard), deps.watchLimits);
      return listObjects(r);
    }
    if (method === 'POST') return createObject(r);
    if (method === 'DELETE') return deleteCollection(r, followUp);
    throw methodNotAllowed();
  }
  if (path.subresource === 'scale') {
    if (method === 'GET') return getScale(r);
    if (method === 'PUT') return replaceScale(r);
    if (method === 'PATCH') return patchScale(r);
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

export { ApiRegistry };
