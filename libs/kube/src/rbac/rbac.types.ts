// Plain-JSON shapes of the RBAC and review kinds (rbac.authorization.k8s.io/v1,
// authorization.k8s.io/v1, authentication.k8s.io/v1). Only the fields the
// authorizer reads are typed; everything else passes through untouched.

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface ResourceAttributes {
  verb: string;
  /** API group; `''` is the core group. */
  group: string;
  version?: string;
  /** Plural resource, e.g. `configmaps`. */
  resource: string;
  subresource?: string;
  name?: string;
  /** Empty or absent for cluster-scoped requests (and for all-namespace lists). */
  namespace?: string;
}

export interface NonResourceAttributes {
  verb: string;
  path: string;
}

export type RequestAttributes = ResourceAttributes | NonResourceAttributes;

export function isResourceAttributes(a: RequestAttributes): a is ResourceAttributes {
  return typeof (a as ResourceAttributes).resource === 'string';
}

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface RbacLabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
  values?: string[];
}

export interface RbacLabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: RbacLabelSelectorRequirement[];
}

export interface RbacObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  [k: string]: unknown;
}

export interface Role {
  apiVersion?: string;
  kind?: string;
  metadata: RbacObjectMeta;
  rules?: PolicyRule[] | null;
  [k: string]: unknown;
}

export interface ClusterRole extends Role {
  aggregationRule?: { clusterRoleSelectors?: RbacLabelSelector[] | null } | null;
}

export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount' | string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface RoleRef {
  apiGroup?: string;
  kind: 'Role' | 'ClusterRole' | string;
  name: string;
}

export interface RoleBinding {
  apiVersion?: string;
  kind?: string;
  metadata: RbacObjectMeta;
  subjects?: Subject[] | null;
  roleRef: RoleRef;
  [k: string]: unknown;
}

export type ClusterRoleBinding = RoleBinding;

/** Everything the authorizer reads. Pass all objects of each kind (the authorizer filters by namespace). */
export interface RbacState {
  roles: Role[];
  clusterRoles: ClusterRole[];
  roleBindings: RoleBinding[];
  clusterRoleBindings: ClusterRoleBinding[];
}

export interface AuthorizationDecision {
  allowed: boolean;
  /** `RBAC: allowed by ...` when allowed; `''` or `RBAC: <errors>` when not. */
  reason: string;
  /** Set when some binding could not be resolved (missing role); mirrors SubjectAccessReviewStatus.evaluationError. */
  evaluationError?: string;
}

export interface ResourceRuleInfo {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

export interface NonResourceRuleInfo {
  verbs: string[];
  nonResourceURLs?: string[];
}

export interface RulesForResult {
  resourceRules: ResourceRuleInfo[];
  nonResourceRules: NonResourceRuleInfo[];
  incomplete: boolean;
  /** Errors met while resolving bindings (SubjectRulesReviewStatus.evaluationError). */
  evaluationError?: string;
}
