import type { ResourceType } from '../resources';

// patchStrategy / patchMergeKey of the built-in kinds we store (kubernetes-api.md
// §9 X3), keyed by the dotted field path (list items add no segment). Lists
// that are not listed here are replaced whole (RBAC rules/subjects, CRD
// versions, Namespace spec.finalizers, ...).

export type ListStrategy = { mergeKey: string } | { primitiveMerge: true };

const COMMON: Record<string, ListStrategy> = {
  'metadata.ownerReferences': { mergeKey: 'uid' },
  'metadata.finalizers': { primitiveMerge: true },
};

const CONDITIONS: Record<string, ListStrategy> = { 'status.conditions': { mergeKey: 'type' } };

const BY_KIND: Record<string, Record<string, ListStrategy>> = {
  '/Namespace': CONDITIONS,
  '/ServiceAccount': { secrets: { mergeKey: 'name' } },
  'apiextensions.k8s.io/CustomResourceDefinition': CONDITIONS,
  // Pod-shaped fields, should a workload kind ever be served
  '/Pod': {
    'spec.containers': { mergeKey: 'name' },
    'spec.initContainers': { mergeKey: 'name' },
    'spec.containers.env': { mergeKey: 'name' },
    'spec.initContainers.env': { mergeKey: 'name' },
    'spec.containers.volumeMounts': { mergeKey: 'mountPath' },
    'spec.initContainers.volumeMounts': { mergeKey: 'mountPath' },
    'spec.containers.ports': { mergeKey: 'containerPort' },
    'spec.volumes': { mergeKey: 'name' },
    'status.conditions': { mergeKey: 'type' },
  },
};

export function listStrategiesFor(rt: Pick<ResourceType, 'group' | 'kind'>): Record<string, ListStrategy> {
  return { ...COMMON, ...(BY_KIND[`${rt.group}/${rt.kind}`] ?? {}) };
}
