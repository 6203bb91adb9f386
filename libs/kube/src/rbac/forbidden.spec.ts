import { forbiddenFor, RequestAttributes } from './index';

const sa = { username: 'system:serviceaccount:demo:sa1', groups: [] };

describe('forbiddenFor', () => {
  it.each<[string, RequestAttributes, string, Record<string, string>]>([
    [
      'namespaced list',
      { verb: 'list', group: '', resource: 'configmaps', namespace: 'demo' },
      'configmaps is forbidden: User "system:serviceaccount:demo:sa1" cannot list resource "configmaps" in API group "" in the namespace "demo"',
      { kind: 'configmaps' },
    ],
    [
      'named object',
      { verb: 'get', group: '', resource: 'configmaps', namespace: 'demo', name: 'x' },
      'configmaps "x" is forbidden: User "system:serviceaccount:demo:sa1" cannot get resource "configmaps" in API group "" in the namespace "demo"',
      { name: 'x', kind: 'configmaps' },
    ],
    [
      'cluster scope',
      { verb: 'list', group: '', resource: 'namespaces' },
      'namespaces is forbidden: User "system:serviceaccount:demo:sa1" cannot list resource "namespaces" in API group "" at the cluster scope',
      { kind: 'namespaces' },
    ],
    [
      'subresource',
      { verb: 'get', group: '', resource: 'configmaps', subresource: 'status', namespace: 'demo', name: 'x' },
      'configmaps "x" is forbidden: User "system:serviceaccount:demo:sa1" cannot get resource "configmaps/status" in API group "" in the namespace "demo"',
      { name: 'x', kind: 'configmaps' },
    ],
    [
      'named group',
      { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'roles', namespace: 'demo' },
      'roles.rbac.authorization.k8s.io is forbidden: User "system:serviceaccount:demo:sa1" cannot create resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "demo"',
      { group: 'rbac.authorization.k8s.io', kind: 'roles' },
    ],
    ['non-resource path', { verb: 'get', path: '/metrics' }, 'forbidden: User "system:serviceaccount:demo:sa1" cannot get path "/metrics"', {}],
  ])('%s', (_n, attrs, message, details) => {
    const e = forbiddenFor(sa, attrs);
    expect(e.code).toBe(403);
    expect(e.status).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Forbidden', details, code: 403 });
  });

  it('appends the authorizer reason', () => {
    expect(forbiddenFor({ username: 'u' }, { verb: 'get', group: '', resource: 'secrets', namespace: 'd' }, 'RBAC: clusterrole.rbac.authorization.k8s.io "x" not found').message).toBe(
      'secrets is forbidden: User "u" cannot get resource "secrets" in API group "" in the namespace "d": RBAC: clusterrole.rbac.authorization.k8s.io "x" not found',
    );
  });
});
