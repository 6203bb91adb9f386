import {
  aggregateClusterRoles,
  authorize,
  ClusterRole,
  ClusterRoleBinding,
  effectiveClusterRoleRules,
  labelSelectorMatches,
  PolicyRule,
  RbacState,
  RequestAttributes,
  Role,
  RoleBinding,
  rulesFor,
  ruleAllows,
  UserInfo,
} from './index';

const G = 'rbac.authorization.k8s.io';
const alice: UserInfo = { username: 'alice', groups: ['devs', 'system:authenticated'] };
const bob: UserInfo = { username: 'bob', groups: ['system:authenticated'] };
const sa1: UserInfo = {
  username: 'system:serviceaccount:demo:sa1',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:demo', 'system:authenticated'],
};

const role = (ns: string, name: string, rules: PolicyRule[]): Role => ({ kind: 'Role', metadata: { name, namespace: ns }, rules });
const cr = (name: string, rules: PolicyRule[], labels?: Record<string, string>, extra: Partial<ClusterRole> = {}): ClusterRole => ({
  kind: 'ClusterRole',
  metadata: { name, labels },
  rules,
  ...extra,
});
const rb = (ns: string, name: string, roleRef: { kind: string; name: string }, subjects: RoleBinding['subjects']): RoleBinding => ({
  kind: 'RoleBinding',
  metadata: { name, namespace: ns },
  roleRef: { apiGroup: G, ...roleRef },
  subjects,
});
const crb = (name: string, roleName: string, subjects: ClusterRoleBinding['subjects']): ClusterRoleBinding => ({
  kind: 'ClusterRoleBinding',
  metadata: { name },
  roleRef: { apiGroup: G, kind: 'ClusterRole', name: roleName },
  subjects,
});
const state = (p: Partial<RbacState>): RbacState => ({ roles: [], clusterRoles: [], roleBindings: [], clusterRoleBindings: [], ...p });
const cm = (verb: string, namespace?: string, extra: Partial<RequestAttributes> = {}): RequestAttributes =>
  ({ verb, group: '', resource: 'configmaps', namespace, ...extra }) as RequestAttributes;

describe('ruleAllows', () => {
  const r = (p: Partial<PolicyRule>): PolicyRule => ({ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], ...p });
  it.each<[string, PolicyRule, RequestAttributes, boolean]>([
    ['exact', r({}), cm('get', 'd'), true],
    ['other verb', r({}), cm('list', 'd'), false],
    ['verb *', r({ verbs: ['*'] }), cm('delete', 'd'), true],
    ['other group', r({}), { verb: 'get', group: 'apps', resource: 'configmaps' }, false],
    ['group *', r({ apiGroups: ['*'] }), { verb: 'get', group: 'apps', resource: 'configmaps' }, true],
    ['no apiGroups matches nothing', r({ apiGroups: [] }), cm('get'), false],
    ['resource * covers subresources', r({ resources: ['*'] }), cm('get', 'd', { subresource: 'status' }), true],
    ['plain resource does not cover subresource', r({}), cm('get', 'd', { subresource: 'status' }), false],
    ['resource/subresource', r({ resources: ['configmaps/status'] }), cm('get', 'd', { subresource: 'status' }), true],
    ['resource/subresource not the main resource', r({ resources: ['configmaps/status'] }), cm('get', 'd'), false],
    ['*/scale', r({ resources: ['*/scale'] }), { verb: 'get', group: '', resource: 'deployments', subresource: 'scale' }, true],
    ['*/scale not status', r({ resources: ['*/scale'] }), cm('get', 'd', { subresource: 'status' }), false],
    ['*/scale not the resource itself', r({ resources: ['*/scale'] }), cm('get', 'd'), false],
    ['resourceNames match', r({ resourceNames: ['a', 'b'] }), cm('get', 'd', { name: 'b' }), true],
    ['resourceNames other name', r({ resourceNames: ['a'] }), cm('get', 'd', { name: 'c' }), false],
    ['resourceNames need a name (list)', r({ verbs: ['list'], resourceNames: ['a'] }), cm('list', 'd'), false],
    ['nonResource exact', { verbs: ['get'], nonResourceURLs: ['/healthz'] }, { verb: 'get', path: '/healthz' }, true],
    ['nonResource prefix *', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, { verb: 'get', path: '/apis/apps/v1' }, true],
    ['nonResource prefix * vs bare', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, { verb: 'get', path: '/apis' }, false],
    ['nonResource *', { verbs: ['*'], nonResourceURLs: ['*'] }, { verb: 'post', path: '/x' }, true],
    ['resource rule never matches a path', r({ resources: ['*'], apiGroups: ['*'], verbs: ['*'] }), { verb: 'get', path: '/api' }, false],
    ['url rule never matches a resource', { verbs: ['*'], nonResourceURLs: ['*'] }, cm('get', 'd'), false],
  ])('%s', (_n, rule, attrs, want) => {
    expect(ruleAllows(attrs, rule)).toBe(want);
  });
});

describe('authorize', () => {
  const readCm: PolicyRule = { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['configmaps'] };
  const rbac = state({
    roles: [role('demo', 'cm-reader', [readCm]), role('other', 'cm-reader', [{ ...readCm, verbs: ['*'] }])],
    clusterRoles: [
      cr('secret-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]),
      cr('ns-lister', [{ verbs: ['list'], apiGroups: [''], resources: ['namespaces'] }]),
    ],
    roleBindings: [
      rb('demo', 'read-cm', { kind: 'Role', name: 'cm-reader' }, [{ kind: 'User', name: 'alice', apiGroup: G }]),
      rb('demo', 'sa-secrets', { kind: 'ClusterRole', name: 'secret-reader' }, [{ kind: 'ServiceAccount', name: 'sa1' }]),
      rb('demo', 'grp', { kind: 'Role', name: 'cm-reader' }, [{ kind: 'Group', name: 'system:serviceaccounts:demo', apiGroup: G }]),
      rb('elsewhere', 'sa-remote', { kind: 'ClusterRole', name: 'secret-reader' }, [{ kind: 'ServiceAccount', name: 'sa1', namespace: 'demo' }]),
    ],
    clusterRoleBindings: [crb('devs-list-ns', 'ns-lister', [{ kind: 'Group', name: 'devs', apiGroup: G }])],
  });

  it.each<[string, UserInfo, RequestAttributes, boolean, string]>([
    ['role binding in its namespace', alice, cm('list', 'demo'), true, 'RBAC: allowed by RoleBinding "read-cm/demo" of Role "cm-reader" to User "alice"'],
    ['role binding does not reach other namespaces', alice, cm('list', 'other'), false, ''],
    ['role binding does not grant cluster-wide', alice, cm('list'), false, ''],
    ['verb not in role', alice, cm('create', 'demo'), false, ''],
    ['other user', bob, cm('list', 'demo'), false, ''],
    ['cluster role binding grants cluster-wide', alice, { verb: 'list', group: '', resource: 'namespaces' }, true,
      'RBAC: allowed by ClusterRoleBinding "devs-list-ns" of ClusterRole "ns-lister" to Group "devs"'],
    ['cluster role binding grants in every namespace', alice, { verb: 'list', group: '', resource: 'namespaces', namespace: 'x' }, true,
      'RBAC: allowed by ClusterRoleBinding "devs-list-ns" of ClusterRole "ns-lister" to Group "devs"'],
    ['rolebinding to clusterrole, SA subject defaults to binding ns', sa1, { verb: 'get', group: '', resource: 'secrets', namespace: 'demo', name: 's' }, true,
      'RBAC: allowed by RoleBinding "sa-secrets/demo" of ClusterRole "secret-reader" to ServiceAccount "sa1/demo"'],
    ['rolebinding to clusterrole is namespaced', sa1, { verb: 'get', group: '', resource: 'secrets', namespace: 'kube-system', name: 's' }, false, ''],
    ['SA subject with explicit namespace in another namespace', sa1, { verb: 'get', group: '', resource: 'secrets', namespace: 'elsewhere' }, true,
      'RBAC: allowed by RoleBinding "sa-remote/elsewhere" of ClusterRole "secret-reader" to ServiceAccount "sa1/demo"'],
    ['SA group subject', sa1, cm('watch', 'demo'), true, 'RBAC: allowed by RoleBinding "grp/demo" of Role "cm-reader" to Group "system:serviceaccounts:demo"'],
    ['SA of another namespace', { ...sa1, username: 'system:serviceaccount:other:sa1', groups: ['system:serviceaccounts:other'] },
      { verb: 'get', group: '', resource: 'secrets', namespace: 'demo' }, false, ''],
  ])('%s', (_n, user, attrs, allowed, reason) => {
    expect(authorize(user, attrs, rbac)).toEqual({ allowed, reason });
  });

  it('a RoleBinding uses the Role of its own namespace', () => {
    // "other/cm-reader" grants '*', but the demo binding resolves demo/cm-reader
    expect(authorize(alice, cm('delete', 'demo'), rbac).allowed).toBe(false);
  });

  it('reports missing roles like the apiserver', () => {
    const s = state({
      roleBindings: [rb('demo', 'b1', { kind: 'Role', name: 'nope' }, [{ kind: 'User', name: 'alice' }])],
      clusterRoleBindings: [crb('b2', 'gone', [{ kind: 'Group', name: 'devs' }])],
    });
    const d = authorize(alice, cm('get', 'demo'), s);
    expect(d.allowed).toBe(false);
    expect(d.reason).toBe(
      'RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, role.rbac.authorization.k8s.io "nope" not found]',
    );
    expect(authorize(alice, cm('get'), s).reason).toBe('RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found');
    // errors from bindings that do not apply to the user are not reported
    expect(authorize(bob, cm('get', 'demo'), s)).toEqual({ allowed: false, reason: '' });
  });

  it('an allowing rule wins over errors', () => {
    const s = state({
      clusterRoles: [cr('all', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }])],
      clusterRoleBindings: [crb('b0', 'gone', [{ kind: 'User', name: 'alice' }]), crb('b1', 'all', [{ kind: 'User', name: 'alice' }])],
    });
    expect(authorize(alice, cm('get', 'x'), s)).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by ClusterRoleBinding "b1" of ClusterRole "all" to User "alice"',
    });
  });

  it('non-resource URLs only through cluster role bindings', () => {
    const s = state({
      clusterRoles: [cr('hz', [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/metrics/*'] }])],
      roleBindings: [rb('demo', 'b', { kind: 'ClusterRole', name: 'hz' }, [{ kind: 'User', name: 'bob' }])],
      clusterRoleBindings: [crb('hz', 'hz', [{ kind: 'User', name: 'alice' }])],
    });
    expect(authorize(alice, { verb: 'get', path: '/metrics/x' }, s).allowed).toBe(true);
    expect(authorize(alice, { verb: 'post', path: '/healthz' }, s).allowed).toBe(false);
    expect(authorize(bob, { verb: 'get', path: '/healthz' }, s).allowed).toBe(false);
  });

  it('unknown subject kinds and roleRef kinds grant nothing', () => {
    const s = state({
      clusterRoles: [cr('all', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }])],
      clusterRoleBindings: [crb('b', 'all', [{ kind: 'Robot', name: 'alice' }])],
      roleBindings: [rb('d', 'r', { kind: 'Thing', name: 'all' }, [{ kind: 'User', name: 'alice' }])],
    });
    expect(authorize(alice, cm('get', 'd'), s)).toEqual({
      allowed: false,
      reason: 'RBAC: unsupported role reference kind: "Thing"',
      evaluationError: 'unsupported role reference kind: "Thing"',
    });
  });
});

describe('aggregation', () => {
  const A = 'example.com/aggregate-to-monitoring';
  const roles = [
    cr('monitoring', [{ verbs: ['stale'], apiGroups: [''], resources: ['x'] }], {}, {
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [A]: 'true' } }] },
    }),
    cr('b-part', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }], { [A]: 'true' }),
    cr('a-part', [{ verbs: ['list'], apiGroups: [''], resources: ['configmaps'] }, { verbs: ['get'], apiGroups: [''], resources: ['secrets'] }], { [A]: 'true' }),
    cr('unrelated', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], { [A]: 'false' }),
  ];

  it('unions the rules of matching roles by name, deduplicated, replacing its own rules', () => {
    expect(effectiveClusterRoleRules(roles[0], roles)).toEqual([
      { verbs: ['list'], apiGroups: [''], resources: ['configmaps'] },
      { verbs: ['get'], apiGroups: [''], resources: ['secrets'] },
    ]);
  });

  it('is applied when authorizing, and is transitive', () => {
    const outer = cr('outer', [], {}, { aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['mon'] }] }] } });
    const monLabelled = { ...roles[0], metadata: { ...roles[0].metadata, labels: { tier: 'mon' } } };
    const all = [outer, monLabelled, ...roles.slice(1)];
    const s = state({ clusterRoles: all, clusterRoleBindings: [crb('o', 'outer', [{ kind: 'User', name: 'alice' }])] });
    expect(authorize(alice, cm('list', 'd'), s).allowed).toBe(true);
    expect(authorize(alice, { verb: 'get', group: '', resource: 'secrets', namespace: 'd' }, s).allowed).toBe(true);
    expect(authorize(alice, { verb: 'stale', group: '', resource: 'x' }, s).allowed).toBe(false);
    expect(authorize(alice, cm('delete', 'd'), s).allowed).toBe(false);
  });

  it('survives cycles', () => {
    const a = cr('a', [{ verbs: ['get'], apiGroups: [''], resources: ['a'] }], { l: 'a' }, { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { l: 'b' } }] } });
    const b = cr('b', [{ verbs: ['get'], apiGroups: [''], resources: ['b'] }], { l: 'b' }, { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { l: 'a' } }] } });
    expect(aggregateClusterRoles([a, b]).map((r) => r.rules)).toBeDefined();
  });

  it.each<[Record<string, string> | undefined, Parameters<typeof labelSelectorMatches>[0], boolean]>([
    [{ a: '1' }, {}, true],
    [{ a: '1' }, { matchLabels: { a: '1' } }, true],
    [{ a: '1' }, { matchLabels: { a: '2' } }, false],
    [{ a: '1' }, { matchExpressions: [{ key: 'a', operator: 'Exists' }] }, true],
    [{ a: '1' }, { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, false],
    [{ a: '1' }, { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, false],
    [undefined, { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, true],
    [{ a: '1' }, { matchExpressions: [{ key: 'a', operator: 'Bogus' }] }, false],
  ])('label selector %#', (labels, sel, want) => {
    expect(labelSelectorMatches(sel, labels)).toBe(want);
  });
});

describe('rulesFor', () => {
  it('lists cluster-wide rules first, then the namespace ones, split by kind', () => {
    const s = state({
      roles: [role('demo', 'r', [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }])],
      clusterRoles: [cr('c', [{ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'] }, { verbs: ['get'], nonResourceURLs: ['/api', '/api/*'] }])],
      roleBindings: [
        rb('demo', 'b', { kind: 'Role', name: 'r' }, [{ kind: 'User', name: 'alice' }]),
        rb('other', 'b', { kind: 'Role', name: 'r' }, [{ kind: 'User', name: 'alice' }]),
      ],
      clusterRoleBindings: [crb('c', 'c', [{ kind: 'Group', name: 'system:authenticated' }])],
    });
    expect(rulesFor(alice, 'demo', s)).toEqual({
      resourceRules: [
        { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'] },
        { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] },
      ],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*'] }],
      incomplete: false,
    });
    expect(rulesFor(bob, 'demo', s).resourceRules).toHaveLength(1);
    expect(rulesFor(alice, 'x', state({ roleBindings: [rb('x', 'b', { kind: 'Role', name: 'nope' }, [{ kind: 'User', name: 'alice' }])] }))).toEqual({
      resourceRules: [],
      nonResourceRules: [],
      incomplete: false,
      evaluationError: 'role.rbac.authorization.k8s.io "nope" not found',
    });
  });
});
