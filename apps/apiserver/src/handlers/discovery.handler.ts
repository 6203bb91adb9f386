import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  BUILTIN_RESOURCES,
  negotiateDiscovery,
  notFound,
  OPENAPI_V2_STUB,
  OpenApiExtraGroupVersion,
  ResourceType,
  openApiV3ForPath,
  openApiV3Index,
  versionInfo,
} from '@kplane/kube';
import { sendJson } from '../http/respond';
import type { KubePath } from '../routing/request-path';

const NOT_FOUND_MESSAGE = 'the server could not find the requested resource';

export function serveVersion(res: ServerResponse): void {
  sendJson(res, 200, versionInfo());
}

/** `/api`, `/apis`, `/apis/<g>`, `/apis/<g>/<v>`, `/api/v1`, in legacy or aggregated form (§3). */
export function serveDiscovery(req: IncomingMessage, res: ServerResponse, path: KubePath, serverAddress: string, resources: readonly ResourceType[]): void {
  switch (path.kind) {
    case 'api':
    case 'apis': {
      const negotiated = negotiateDiscovery(req.headers.accept);
      if (negotiated.aggregated) {
        const apiVersion = negotiated.version === 'v2' ? 'apidiscovery.k8s.io/v2' : 'apidiscovery.k8s.io/v2beta1';
        sendJson(res, 200, aggregatedDiscovery(resources, path.kind === 'api' ? 'core' : 'apis', apiVersion), negotiated.contentType);
        return;
      }
      sendJson(res, 200, path.kind === 'api' ? apiVersions(serverAddress) : apiGroupList(resources));
      return;
    }
    case 'group': {
      const members = resources.filter((r) => r.group === path.group && r.group !== '');
      if (!members.length) throw notFoundResource();
      sendJson(res, 200, apiGroup(path.group, members));
      return;
    }
    case 'group-version': {
      const members = resources.filter((r) => r.group === path.group && r.version === path.version);
      if (!members.length) throw notFoundResource();
      const gv = path.group ? `${path.group}/${path.version}` : path.version;
      sendJson(res, 200, apiResourceList(gv, members));
      return;
    }
    default:
      throw notFoundResource();
  }
}

/** The 30-byte protobuf stub that lets kubectl's client-side validation pass (§4 O1). */
export function serveOpenApiV2(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', 'Content-Length': OPENAPI_V2_STUB.length });
  res.end(OPENAPI_V2_STUB);
}

export function notFoundResource() {
  const err = notFound('', '', '');
  err.status.message = NOT_FOUND_MESSAGE;
  delete err.status.details;
  return err;
}

/** The built-in-only index never changes within a process, so workspaces without CRDs share one. */
let builtinIndex: object | undefined;

/** `/openapi/v3` and its per-group-version documents (§4 O2-O5); kubectl explain and apply read them. */
export function serveOpenApiV3(res: ServerResponse, path: KubePath, resources: readonly ResourceType[], extras: readonly OpenApiExtraGroupVersion[], builtinOnly: boolean): void {
  if (path.kind === 'openapi-v3') {
    if (builtinOnly) {
      builtinIndex ??= openApiV3Index(BUILTIN_RESOURCES);
      return sendJson(res, 200, builtinIndex);
    }
    return sendJson(res, 200, openApiV3Index(resources.filter((r) => BUILTIN_RESOURCES.includes(r)), extras));
  }
  if (path.kind !== 'openapi-v3-gv') throw notFoundResource();
  const builtins = resources.filter((r) => BUILTIN_RESOURCES.includes(r));
  const doc = openApiV3ForPath(path.group ? `apis/${path.group}/${path.version}` : `api/${path.version}`, builtins, extras);
  if (!doc) throw notFoundResource();
  sendJson(res, 200, doc);
}
