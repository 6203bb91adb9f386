import type { NonResourceAttributes, ResourceAttributes } from '@kplane/kube';
import type { KubePath } from '../routing/request-path';

/** The RBAC attributes of a request, as the apiserver's RequestInfo resolver derives them. */
export function requestAttributes(path: KubePath | null, method: string, rawPath: string, watch: boolean): ResourceAttributes | NonResourceAttributes {
  if (!path || path.kind !== 'resource') return { verb: method.toLowerCase() === 'head' ? 'get' : method.toLowerCase(), path: rawPath };
  const named = path.name !== undefined;
  let verb: string;
  switch (method) {
    case 'GET':
    case 'HEAD':
      verb = named ? 'get' : watch ? 'watch' : 'list';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = named ? 'delete' : 'deletecollection';
      break;
    default:
      verb = method.toLowerCase();
  }
  // `/api/v1/namespaces/foo` is the namespace foo, in namespace foo (RequestInfo rule).
  const isNamespaceObject = path.group === '' && path.resource === 'namespaces' && path.namespace === undefined;
  return {
    verb,
    group: path.group,
    version: path.version,
    resource: path.resource,
    subresource: path.subresource,
    name: path.name,
    namespace: isNamespaceObject ? path.name : path.namespace,
  };
}
