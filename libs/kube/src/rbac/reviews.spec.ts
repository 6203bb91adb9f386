import {
  bootstrapRbacState,
  isKubeStatusError,
  prepareTokenRequest,
  RbacState,
  selfSubjectAccessReview,
  selfSubjectReview,
  selfSubjectRulesReview,
  tokenRequestResponse,
  UserInfo,
} from '../index';

const user: UserInfo = { username: 'alice', uid: 'u-1', groups: ['system:authenticated'] };

function withEdit(): RbacState {
  const s = bootstrapRbacState();
  s.roleBindings.push({
    metadata: { name: 'alice-edit', namespace: 'demo' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }],
  });
  return s;
}

function statusOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (isKubeStatusError(e)) return e.status;
    throw e;
  }
  throw new Error('did not throw');
}

describe('SelfSubjectAccessReview', () => {
  it('echoes the request with status filled (allowed)', () => {
    const req = {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {},
      spec: { resourceAttributes: { namespace: 'demo', verb: 'create', group: '', resource: 'configmaps' } },
    };
    expect(selfSubjectAccessReview(user, req, withEdit())).toEqual({
      ...req,
      metadata: { creationTimestamp: null },
      status: { allowed: true, reason: 'RBAC: allowed by RoleBinding "alice-edit/demo" of ClusterRole "edit" to User "alice"' },
    });
  });

  it('denied has allowed:false and no reason; apiVersion/kind defaulted', () => {
    const out = selfSubjectAccessReview(user, { spec: { resourceAttributes: { namespace: 'demo', verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'roles' } } }, withEdit());
    expect(out).toMatchObject({ kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', status: { allowed: false } });
    expect(out.status).toEqual({ allowed: false });
  });

  it('non-resource attributes', () => {
    const out = selfSubjectAccessReview(user, { spec: { nonResourceAttributes: { path: '/apis/apps', verb: 'get' } } }, bootstrapRbacState());
    expect(out.status).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
    });
  });

  it('422 without exactly one attribute set', () => {
    expect(statusOf(() => selfSubjectAccessReview(user, { spec: {} }, bootstrapRbacState()))).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message:
        'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    });
    expect(
      statusOf(() => selfSubjectAccessReview(user, { spec: { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { verb: 'get', path: '/' } } }, bootstrapRbacState())),
    ).toMatchObject({ code: 422, details: { causes: [{ field: 'spec.nonResourceAttributes' }] } });
  });
});

describe('SelfSubjectRulesReview', () => {
  it('returns the rules for the namespace in a fresh object', () => {
    const out = selfSubjectRulesReview(user, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'demo' } }, withEdit());
    expect(out).toMatchObject({ kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: {} });
    const status = out.status as { resourceRules: { verbs: string[]; resources?: string[] }[]; nonResourceRules: unknown[]; incomplete: boolean };
    expect(status.incomplete).toBe(false);
    expect(status.resourceRules[0]).toEqual({ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] });
    expect(status.resourceRules.some((r) => r.resources?.includes('configmaps') && r.verbs.includes('create'))).toBe(true);
    expect(status.nonResourceRules).toContainEqual({ verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] });
    // other namespace: only the cluster-wide rules
    const other = selfSubjectRulesReview(user, { spec: { namespace: 'other' } }, withEdit()).status as typeof status;
    expect(other.resourceRules).toHaveLength(2);
  });

  it('400 without a namespace', () => {
    expect(statusOf(() => selfSubjectRulesReview(user, { spec: {} }, withEdit()))).toMatchObject({ code: 400, message: 'no namespace on request' });
  });
});

describe('SelfSubjectReview', () => {
  it.each(['authentication.k8s.io/v1', 'authentication.k8s.io/v1beta1'])('%s returns userInfo', (apiVersion) => {
    const now = new Date('2026-01-02T03:04:05.678Z');
    expect(selfSubjectReview({ ...user, extra: { scopes: ['a'] } }, { apiVersion, kind: 'SelfSubjectReview', metadata: {} }, now)).toEqual({
      kind: 'SelfSubjectReview',
      apiVersion,
      metadata: { creationTimestamp: '2026-01-02T03:04:05Z' },
      status: { userInfo: { username: 'alice', uid: 'u-1', groups: ['system:authenticated'], extra: { scopes: ['a'] } } },
    });
  });

  it('defaults to v1 and omits empty uid/extra', () => {
    expect(selfSubjectReview({ username: 'x', groups: [] })).toMatchObject({ apiVersion: 'authentication.k8s.io/v1', status: { userInfo: { username: 'x' } } });
    expect((selfSubjectReview({ username: 'x', groups: [] }).status as { userInfo: object }).userInfo).toEqual({ username: 'x' });
  });
});

describe('TokenRequest', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const opts = { namespace: 'demo', name: 'sa1', now };

  it('defaults expiration to an hour and fills metadata and audiences', () => {
    const p = prepareTokenRequest({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {}, spec: {} }, opts);
    expect(p.expirationSeconds).toBe(3600);
    expect(p.expirationTimestamp).toBe('2026-01-01T01:00:00Z');
    expect(p.warnings).toEqual([]);
    const out = tokenRequestResponse(p.request, { token: 'tok', expirationTimestamp: p.expirationTimestamp });
    expect(out).toEqual({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { name: 'sa1', namespace: 'demo', creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3600, boundObjectRef: null },
      status: { token: 'tok', expirationTimestamp: '2026-01-01T01:00:00Z' },
    });
  });

  it('keeps requested audiences and duration; shortens above 48h with a warning', () => {
    expect(prepareTokenRequest({ spec: { audiences: ['a'], expirationSeconds: 600 } }, opts)).toMatchObject({ audiences: ['a'], expirationSeconds: 600 });
    const p = prepareTokenRequest({ spec: { expirationSeconds: 7 * 86400 } }, opts);
    expect(p.expirationSeconds).toBe(172800);
    expect(p.warnings).toEqual(['requested expiration of 604800 seconds shortened to 172800 seconds']);
  });

  it('422 below 10 minutes and for mismatched names', () => {
    expect(statusOf(() => prepareTokenRequest({ spec: { expirationSeconds: 599 } }, opts))).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes',
    });
    expect(statusOf(() => prepareTokenRequest({ metadata: { name: 'other' } }, opts))).toMatchObject({
      code: 422,
      message: 'TokenRequest.authentication.k8s.io "sa1" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified',
    });
  });

  it('tokenRequestResponse accepts an unprepared request and a Date', () => {
    expect(tokenRequestResponse({ spec: {} }, { token: 't', expirationTimestamp: new Date('2026-01-01T01:00:00.900Z') })).toMatchObject({
      spec: { expirationSeconds: 3600 },
      metadata: { creationTimestamp: null },
      status: { token: 't', expirationTimestamp: '2026-01-01T01:00:00Z' },
    });
  });
});
