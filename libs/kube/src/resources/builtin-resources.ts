import { NameRule, ResourceType, STANDARD_VERBS, Subresource } from './resource-type';

// The built-in kinds kplane serves. Values follow what a real 1.32 apiserver
// reports in discovery, so kubectl's cache and short names behave the same.

interface Spec {
  group?: string;
  version?: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
  subresources?: Subresource[];
  nameRule?: NameRule;
  tracksGeneration?: boolean;
  fieldSelectors?: string[];
}

function rt(s: Spec): ResourceType {
  return {
    group: s.group ?? '',
    version: s.version ?? 'v1',
    resource: s.resource,
    singular: s.kind.toLowerCase(),
    kind: s.kind,
    listKind: `${s.kind}List`,
    namespaced: s.namespaced,
    shortNames: s.shortNames ?? [],
    categories: s.categories ?? [],
    verbs: s.verbs ?? STANDARD_VERBS,
    subresources: s.subresources ?? [],
    nameRule: s.nameRule ?? 'dns1123-subdomain',
    tracksGeneration: s.tracksGeneration ?? false,
    fieldSelectors: s.fieldSelectors ?? [],
  };
}

const RBAC = 'rbac.authorization.k8s.io';
const CREATE_ONLY = ['create'];

export const EVENT_FIELD_SELECTORS = [
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
];

// events.k8s.io/v1 selects on its own field names (the apiserver maps them onto
// the core ones, and also still accepts `source`).
export const EVENTS_V1_FIELD_SELECTORS = [
  'regarding.kind',
  'regarding.namespace',
  'regarding.name',
  'regarding.uid',
  'regarding.apiVersion',
  'regarding.resourceVersion',
  'regarding.fieldPath',
  'reason',
  'reportingController',
  'source',
  'type',
];

export const BUILTIN_RESOURCES: ResourceType[] = [
  rt({
    resource: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    // the apiserver does not offer deletecollection on namespaces
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status', 'finalize'],
    nameRule: 'dns1123-label',
    fieldSelectors: ['status.phase'],
  }),
  // kplane serves no workload kinds (the `all` members of a real cluster), so `kubectl get all`
  // would fail with "no resource type all"; configmaps stand in as the workspace's everyday objects.
  rt({ resource: 'configmaps', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'], categories: ['all'] }),
  rt({ resource: 'secrets', kind: 'Secret', namespaced: true, fieldSelectors: ['type'] }),
  rt({ resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'], subresources: ['token'] }),
  rt({ resource: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'], fieldSelectors: EVENT_FIELD_SELECTORS }),
  rt({ group: 'events.k8s.io', resource: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'], fieldSelectors: EVENTS_V1_FIELD_SELECTORS }),
  rt({ group: 'coordination.k8s.io', resource: 'leases', kind: 'Lease', namespaced: true }),
  rt({ group: RBAC, resource: 'roles', kind: 'Role', namespaced: true, nameRule: 'path-segment' }),
  rt({ group: RBAC, resource: 'rolebindings', kind: 'RoleBinding', namespaced: true, nameRule: 'path-segment' }),
  rt({ group: RBAC, resource: 'clusterroles', kind: 'ClusterRole', namespaced: false, nameRule: 'path-segment' }),
  rt({ group: RBAC, resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false, nameRule: 'path-segment' }),
  rt({
    group: 'apiextensions.k8s.io',
    resource: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: ['status'],
    tracksGeneration: true,
  }),
  // Create-only review kinds: never stored, answered by the server (§16).
  rt({ group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', namespaced: false, verbs: CREATE_ONLY }),
  rt({ group: 'authorization.k8s.io', resource: 'selfsubjectrulesreviews', kind: 'SelfSubjectRulesReview', namespaced: false, verbs: CREATE_ONLY }),
  rt({ group: 'authentication.k8s.io', resource: 'selfsubjectreviews', kind: 'SelfSubjectReview', namespaced: false, verbs: CREATE_ONLY }),
  // kubectl 1.27 `auth whoami` asks for the beta version.
  rt({ group: 'authentication.k8s.io', version: 'v1beta1', resource: 'selfsubjectreviews', kind: 'SelfSubjectReview', namespaced: false, verbs: CREATE_ONLY }),
];
