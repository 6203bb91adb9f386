import { BUILTIN_RESOURCES } from './builtin-resources';
import { ResourceType } from './resource-type';

export function findResource(
  group: string,
  version: string,
  resource: string,
  resources: readonly ResourceType[] = BUILTIN_RESOURCES,
): ResourceType | undefined {
  return resources.find((r) => r.group === group && r.version === version && r.resource === resource);
}

export function findResourceByKind(
  group: string,
  version: string,
  kind: string,
  resources: readonly ResourceType[] = BUILTIN_RESOURCES,
): ResourceType | undefined {
  return resources.find((r) => r.group === group && r.version === version && r.kind === kind);
}

/** Storage namespace of a type: `configmaps`, `leases.coordination.k8s.io`. */
export function storageKey(rt: Pick<ResourceType, 'group' | 'resource'>): string {
  return rt.group ? `${rt.resource}.${rt.group}` : rt.resource;
}
