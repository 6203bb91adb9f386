import { forbidden, KubeStatusError, qualifiedResource } from '../status';
import { isResourceAttributes, RequestAttributes, UserInfo } from './rbac.types';

// responsewriters.forbiddenMessage + apierrors.NewForbidden (kubernetes-api.md §15).

/** `User "u" cannot list resource "configmaps" in API group "" in the namespace "demo"` */
export function forbiddenMessage(user: Pick<UserInfo, 'username'> | null | undefined, attrs: RequestAttributes): string {
  const username = user?.username ?? '';
  if (!isResourceAttributes(attrs)) {
    return `User ${JSON.stringify(username)} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)}`;
  }
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const group = attrs.group ?? '';
  if (attrs.namespace) {
    return `User ${JSON.stringify(username)} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(group)} in the namespace ${JSON.stringify(attrs.namespace)}`;
  }
  return `User ${JSON.stringify(username)} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(group)} at the cluster scope`;
}

/**
 * The 403 the apiserver sends when no authorizer allows the request.
 * `reason` is the authorizer's reason (e.g. `RBAC: clusterrole.rbac.authorization.k8s.io "x" not found`),
 * appended after `: ` when non-empty, as the apiserver does.
 */
export function forbiddenFor(user: Pick<UserInfo, 'username'> | null | undefined, attrs: RequestAttributes, reason = ''): KubeStatusError {
  let err = forbiddenMessage(user, attrs);
  if (reason) err = `${err}: ${reason}`;
  if (!isResourceAttributes(attrs)) {
    // empty GroupResource: "forbidden: <err>", details {}
    return forbidden(`forbidden: ${err}`, {});
  }
  const group = attrs.group ?? '';
  const qr = qualifiedResource(attrs.resource, group);
  const name = attrs.name ?? '';
  const message = name ? `${qr} ${JSON.stringify(name)} is forbidden: ${err}` : `${qr} is forbidden: ${err}`;
  return forbidden(message, { name, group, kind: attrs.resource });
}
