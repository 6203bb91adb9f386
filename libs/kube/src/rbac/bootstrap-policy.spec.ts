import { findResource, fieldValuesOf, storageKey } from '../resources';
import {
  authorize,
  bootstrapClusterRoles,
  bootstrapRbacObjects,
  bootstrapRbacState,
  RbacState,
  RequestAttributes,
  UserInfo,
} from './index';

const G = 'rbac.authorization.k8s.io';

function bindIn(ns: string, role: string, user: string): RbacState {
  const s = bootstrapRbacState();
  s.roleBindings.push({
    metadata: { name: `${user}-${role}`, namespace: ns },
    roleRef: { apiGroup: G, kind: 'ClusterRole', name: role },
    subjects: [{ kind: 'User', name: user, apiGroup: G }],
  });
  return s;
}

const u = (username: string, groups: string[] = ['system:authenticated']): UserInfo => ({ username, groups });
const res = (verb: string, resource: string, namespace?: string, group = '', extra: Partial<RequestAttributes> = {}): RequestAttributes =>
  ({ verb, group, resource, namespace, ...extra }) as RequestAttributes;

describe('bootstrap policy effect', () => {
  it.each<[string, string, RequestAttributes, boolean]>([
    ['view', 'list configmaps', res('list', 'configmaps', 'demo'), true],
    ['view', 'get secrets', res('get', 'secrets', 'demo'), false],
    ['view', 'list secrets', res('list', 'secrets', 'demo'), false],
    ['view', 'create configmaps', res('create', 'configmaps', 'demo'), false],
    ['view', 'watch serviceaccounts', res('watch', 'serviceaccounts', 'demo'), true],
    ['view', 'list events', res('list', 'events', 'demo'), true],
    ['view', 'get namespace', res('get', 'namespaces', 'demo', '', { name: 'demo' }), true],
    ['view', 'list configmaps elsewhere', res('list', 'configmaps', 'other'), false],
    ['edit', 'create configmaps', res('create', 'configmaps', 'demo'), true],
    ['edit', 'delete secrets', res('delete', 'secrets', 'demo', '', { name: 's' }), true],
    ['edit', 'get secrets', res('get', 'secrets', 'demo', '', { name: 's' }), true],
    ['edit', 'create leases', res('create', 'leases', 'demo', 'coordination.k8s.io'), true],
    ['edit', 'create token', res('create', 'serviceaccounts', 'demo', '', { subresource: 'token', name: 'default' }), true],
    ['edit', 'list configmaps (aggregated from view)', res('list', 'configmaps', 'demo'), true],
    ['edit', 'create roles', res('create', 'roles', 'demo', G), false],
    ['edit', 'create rolebindings', res('create', 'rolebindings', 'demo', G), false],
    ['admin', 'create roles', res('create', 'roles', 'demo', G), true],
    ['admin', 'create rolebindings', res('create', 'rolebindings', 'demo', G), true],
    ['admin', 'delete configmaps', res('delete', 'configmaps', 'demo', '', { name: 'x' }), true],
    ['admin', 'list secrets', res('list', 'secrets', 'demo'), true],
    ['admin', 'create clusterroles', res('create', 'clusterroles', undefined, G), false],
    ['admin', 'delete its namespace', res('delete', 'namespaces', 'demo', '', { name: 'demo' }), false],
  ])('%s: %s', (role, _what, attrs, allowed) => {
    expect(authorize(u('alice'), attrs, bindIn('demo', role, 'alice')).allowed).toBe(allowed);
  });

  it('cluster-admin via system:masters can do everything', () => {
    const s = bootstrapRbacState();
    const admin = u('kubernetes-admin', ['system:masters', 'system:authenticated']);
    for (const attrs of [
      res('create', 'clusterroles', undefined, G),
      res('delete', 'namespaces', 'kube-system', '', { name: 'kube-system' }),
      res('escalate', 'widgets', 'x', 'example.com', { subresource: 'status' }),
      { verb: 'post', path: '/anything' },
    ] as RequestAttributes[]) {
      expect(authorize(admin, attrs, s)).toEqual({
        allowed: true,
        reason: 'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"',
      });
    }
  });

  it('every authenticated user can discover and review itself; anonymous only public info', () => {
    const s = bootstrapRbacState();
    const anyone = u('nobody');
    expect(authorize(anyone, { verb: 'get', path: '/api/v1' }, s).allowed).toBe(true);
    expect(authorize(anyone, { verb: 'get', path: '/openapi/v3' }, s).allowed).toBe(true);
    expect(authorize(anyone, res('create', 'selfsubjectaccessreviews', undefined, 'authorization.k8s.io'), s).allowed).toBe(true);
    expect(authorize(anyone, res('create', 'selfsubjectreviews', undefined, 'authentication.k8s.io'), s).allowed).toBe(true);
    expect(authorize(anyone, res('list', 'configmaps', 'default'), s).allowed).toBe(false);
    const anon = u('system:anonymous', ['system:unauthenticated']);
    expect(authorize(anon, { verb: 'get', path: '/version' }, s)).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "system:unauthenticated"',
    });
    expect(authorize(anon, { verb: 'get', path: '/api' }, s).allowed).toBe(false);
  });
});

describe('bootstrap objects', () => {
  it('aggregated roles carry their labels, aggregationRule and the aggregated rules', () => {
    const byName = new Map(bootstrapClusterRoles().map((r) => [r.metadata.name, r]));
    expect(byName.get('view')!.metadata.labels).toEqual({ 'kubernetes.io/bootstrapping': 'rbac-defaults', 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' });
    expect(byName.get('edit')!.aggregationRule).toEqual({ clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } }] });
    expect(byName.get('admin')!.rules!.length).toBeGreaterThan(byName.get('edit')!.rules!.length);
    expect(byName.get('edit')!.rules!.length).toBeGreaterThan(byName.get('view')!.rules!.length);
    expect(byName.get('view')!.rules).toEqual(byName.get('system:aggregate-to-view')!.rules);
    expect(byName.get('cluster-admin')!.rules).toEqual([
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]);
  });

  it('are ready to store, in the bootstrapObjects shape', () => {
    const now = new Date('2026-01-01T00:00:00.500Z');
    const all = bootstrapRbacObjects(now);
    const crt = findResource(G, 'v1', 'clusterroles')!;
    const crbt = findResource(G, 'v1', 'clusterrolebindings')!;
    expect(new Set(all.map((o) => o.resource))).toEqual(new Set([storageKey(crt), storageKey(crbt)]));
    expect(all.filter((o) => o.resource === storageKey(crbt)).map((o) => o.object.metadata.name)).toEqual([
      'cluster-admin',
      'system:basic-user',
      'system:discovery',
      'system:public-info-viewer',
    ]);
    for (const o of all) {
      expect(o.object.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(o.object).toMatchObject({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        metadata: {
          creationTimestamp: '2026-01-01T00:00:00Z',
          labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
          annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
        },
      });
      expect(o.object.metadata.namespace).toBeUndefined();
      expect(o.fields).toEqual(fieldValuesOf(o.resource === storageKey(crt) ? crt : crbt, o.object));
    }
    const crb = all.find((o) => o.resource === storageKey(crbt) && o.object.metadata.name === 'system:public-info-viewer')!.object;
    expect(crb).toMatchObject({
      kind: 'ClusterRoleBinding',
      roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'system:public-info-viewer' },
      subjects: [
        { apiGroup: G, kind: 'Group', name: 'system:authenticated' },
        { apiGroup: G, kind: 'Group', name: 'system:unauthenticated' },
      ],
    });
    expect(new Set(all.map((o) => o.object.metadata.uid)).size).toBe(all.length);
  });
});
