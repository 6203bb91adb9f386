import type { BootstrapObject } from '../bootstrap/bootstrap-objects';
import { prepareCreate } from '../meta/prepare-write';
import { fieldValuesOf, findResource, storageKey } from '../resources';
import { aggregateClusterRoles } from './authorizer';
import { ClusterRole, ClusterRoleBinding, PolicyRule, RbacState } from './rbac.types';

// The default RBAC objects kube-apiserver creates at startup
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy), limited to the roles a
// workspace user meets: the user-facing roles, their aggregation sources, and
// the discovery / self-review roles bound to every authenticated user.

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const RBAC_API_VERSION = `${RBAC_GROUP}/v1`;

export const BOOTSTRAPPING_LABEL = 'kubernetes.io/bootstrapping';
export const BOOTSTRAPPING_LABEL_VALUE = 'rbac-defaults';
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';
export const AGGREGATE_TO_ADMIN = 'rbac.authorization.k8s.io/aggregate-to-admin';
export const AGGREGATE_TO_EDIT = 'rbac.authorization.k8s.io/aggregate-to-edit';
export const AGGREGATE_TO_VIEW = 'rbac.authorization.k8s.io/aggregate-to-view';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const READ_WRITE = [...READ, ...WRITE];

const sorted = (xs: string[]) => [...new Set(xs)].sort();

function rule(verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule {
  const r: PolicyRule = { apiGroups: sorted(apiGroups), resources: sorted(resources), verbs: sorted(verbs) };
  if (resourceNames) r.resourceNames = sorted(resourceNames);
  return r;
}

function urls(verbs: string[], nonResourceURLs: string[]): PolicyRule {
  return { nonResourceURLs: sorted(nonResourceURLs), verbs: sorted(verbs) };
}

function meta(name: string, labels: Record<string, string> = {}) {
  return {
    name,
    labels: { [BOOTSTRAPPING_LABEL]: BOOTSTRAPPING_LABEL_VALUE, ...labels },
    annotations: { [AUTOUPDATE_ANNOTATION]: 'true' },
  };
}

function clusterRole(name: string, rules: PolicyRule[], labels?: Record<string, string>, aggregateFrom?: string): ClusterRole {
  const r: ClusterRole = { apiVersion: RBAC_API_VERSION, kind: 'ClusterRole', metadata: meta(name, labels), rules };
  if (aggregateFrom) r.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [aggregateFrom]: 'true' } }] };
  return r;
}

function groupBinding(name: string, groups: string[], roleName = name): ClusterRoleBinding {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: 'ClusterRoleBinding',
    metadata: meta(name),
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: roleName },
    subjects: groups.map((g) => ({ apiGroup: RBAC_GROUP, kind: 'Group', name: g })),
  };
}

/**
 * The bootstrap ClusterRoles as a real cluster stores them; `admin`, `edit`
 * and `view` carry their aggregationRule and have their `rules` filled with
 * the aggregated rules, as the aggregation controller writes them.
 */
export function bootstrapClusterRoles(): ClusterRole[] {
  const roles: ClusterRole[] = [
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
    clusterRole('admin', [], undefined, AGGREGATE_TO_ADMIN),
    clusterRole('edit', [], { [AGGREGATE_TO_ADMIN]: 'true' }, AGGREGATE_TO_EDIT),
    clusterRole('view', [], { [AGGREGATE_TO_EDIT]: 'true' }, AGGREGATE_TO_VIEW),
    clusterRole(
      'system:aggregate-to-admin',
      [rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']), rule(READ_WRITE, [RBAC_GROUP], ['roles', 'rolebindings'])],
      { [AGGREGATE_TO_ADMIN]: 'true' },
    ),
    clusterRole(
      'system:aggregate-to-edit',
      [
        rule(READ, [''], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
        rule(['impersonate'], [''], ['serviceaccounts']),
        rule(WRITE, [''], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
        rule(['create'], [''], ['pods/eviction']),
        rule(WRITE, [''], [
          'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy',
          'persistentvolumeclaims', 'configmaps', 'secrets', 'events',
        ]),
        rule(['create'], [''], ['serviceaccounts/token']),
        rule(WRITE, ['apps'], [
          'statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback',
          'replicasets', 'replicasets/scale',
        ]),
        rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
        rule(WRITE, ['batch'], ['jobs', 'cronjobs']),
        rule(WRITE, ['extensions'], [
          'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'ingresses', 'replicasets',
          'replicasets/scale', 'replicationcontrollers/scale', 'networkpolicies',
        ]),
        rule(WRITE, ['policy'], ['poddisruptionbudgets']),
        rule(WRITE, ['networking.k8s.io'], ['networkpolicies', 'ingresses']),
        rule(READ_WRITE, ['coordination.k8s.io'], ['leases']),
      ],
      { [AGGREGATE_TO_EDIT]: 'true' },
    ),
    clusterRole(
      'system:aggregate-to-view',
      [
        rule(READ, [''], [
          'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status',
          'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps',
        ]),
        rule(READ, [''], [
          'limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status', 'namespaces/status',
          'replicationcontrollers/status', 'pods/log',
        ]),
        rule(READ, [''], ['namespaces']),
        rule(READ, ['discovery.k8s.io'], ['endpointslices']),
        rule(READ, ['apps'], [
          'controllerrevisions', 'statefulsets', 'statefulsets/status', 'statefulsets/scale', 'daemonsets', 'daemonsets/status',
          'deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/status', 'replicasets/scale',
        ]),
        rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
        rule(READ, ['batch'], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
        rule(READ, ['extensions'], [
          'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses',
          'ingresses/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale',
          'networkpolicies',
        ]),
        rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
        rule(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
      ],
      { [AGGREGATE_TO_VIEW]: 'true' },
    ),
    clusterRole('system:discovery', [
      urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/', '/openapi', '/openapi/*', '/api', '/api/*', '/apis', '/apis/*']),
    ]),
    clusterRole('system:basic-user', [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ]),
    clusterRole('system:public-info-viewer', [urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/'])]),
  ];
  return aggregateClusterRoles(roles);
}

export function bootstrapClusterRoleBindings(): ClusterRoleBinding[] {
  return [
    groupBinding('cluster-admin', ['system:masters']),
    groupBinding('system:basic-user', ['system:authenticated']),
    groupBinding('system:discovery', ['system:authenticated']),
    groupBinding('system:public-info-viewer', ['system:authenticated', 'system:unauthenticated']),
  ];
}

/** The bootstrap policy as an RbacState (no Roles or RoleBindings). */
export function bootstrapRbacState(): RbacState {
  return { roles: [], roleBindings: [], clusterRoles: bootstrapClusterRoles(), clusterRoleBindings: bootstrapClusterRoleBindings() };
}

/** The bootstrap ClusterRoles and ClusterRoleBindings ready to store (uid, creationTimestamp set), like bootstrapObjects(). */
export function bootstrapRbacObjects(now: Date = new Date()): BootstrapObject[] {
  const crt = findResource(RBAC_GROUP, 'v1', 'clusterroles')!;
  const crbt = findResource(RBAC_GROUP, 'v1', 'clusterrolebindings')!;
  const make = (rt: typeof crt, body: object): BootstrapObject => {
    const object = prepareCreate(rt, body, { now }) as BootstrapObject['object'];
    return { resource: storageKey(rt), object, fields: fieldValuesOf(rt, object) };
  };
  return [...bootstrapClusterRoles().map((r) => make(crt, r)), ...bootstrapClusterRoleBindings().map((b) => make(crbt, b))];
}
