import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeStatusError } from '../status';
import { decodeProtobufObject, isProtobufKindSupported, peekProtobufTypeMeta } from './index';

// Fixtures are request bodies captured from real kubectl 1.32 (`create ...`,
// `auth can-i`, `auth whoami`, `create token`, `auth reconcile -f`).
const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', `${name}.pb`));

const RBAC = 'rbac.authorization.k8s.io/v1';

const cases: [string, Record<string, unknown>][] = [
  ['namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } }],
  ['namespace-empty', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'empty-ns' } }],
  [
    'configmap',
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c1' },
      data: { a: '1' },
      binaryData: { 'bin.dat': Buffer.from([0, 1, 2, 0xff, 0xfe, ...Buffer.from('binary')]).toString('base64') },
    },
  ],
  ['configmap-empty', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c-empty' } }],
  ['secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1' }, data: { k: 'dg==' } }],
  [
    'secret-basic-auth',
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's2' }, data: { password: 'cA==', username: 'YQ==' }, type: 'kubernetes.io/basic-auth' },
  ],
  ['serviceaccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa1' } }],
  ['role', { apiVersion: RBAC, kind: 'Role', metadata: { name: 'r1' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }] }],
  [
    'rolebinding',
    {
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: { name: 'rb1' },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'u' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r1' },
    },
  ],
  [
    'rolebinding-labels',
    {
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: { name: 'rb-full', namespace: 'demo', labels: { x: 'yes' } },
      subjects: [{ kind: 'ServiceAccount', name: 'sa1', namespace: 'demo' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r1' },
    },
  ],
  [
    'clusterrole',
    { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name: 'cr1' }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['secrets'], resourceNames: ['s1'] }] },
  ],
  [
    'clusterrole-full',
    {
      apiVersion: RBAC,
      kind: 'ClusterRole',
      metadata: {
        name: 'agg',
        generation: 3,
        creationTimestamp: '2024-05-06T07:08:09Z',
        labels: { a: 'b', 'app.kubernetes.io/name': 'x' },
        annotations: { note: 'hello world' },
        ownerReferences: [
          { kind: 'ConfigMap', name: 'owner', uid: '11111111-2222-3333-4444-555555555555', apiVersion: 'v1', controller: true, blockOwnerDeletion: false },
        ],
        finalizers: ['example.com/f'],
      },
      rules: [
        { verbs: ['get'], apiGroups: [''], resources: ['configmaps'] },
        { verbs: ['get'], nonResourceURLs: ['/healthz'] },
      ],
      aggregationRule: {
        clusterRoleSelectors: [
          { matchLabels: { 'rbac.example.com/aggregate': 'true' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] },
        ],
      },
    },
  ],
  [
    'clusterrolebinding',
    {
      apiVersion: RBAC,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'crb1' },
      subjects: [
        { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'g' },
        { kind: 'ServiceAccount', name: 'sa1', namespace: 'demo' },
      ],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cr1' },
    },
  ],
  [
    'selfsubjectaccessreview',
    {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { namespace: 'demo', verb: 'create', resource: 'configmaps' } },
    },
  ],
  [
    'selfsubjectaccessreview-subresource',
    {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { namespace: 'other', verb: 'list', resource: 'widgets.example.com', subresource: 'status', name: 'status' } },
    },
  ],
  ['selfsubjectrulesreview', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'demo' } }],
  ['selfsubjectreview', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }],
  ['tokenrequest', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest' }],
  [
    'tokenrequest-bound',
    {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { audiences: ['aud1'], boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 's1' }, expirationSeconds: 3600 },
    },
  ],
];

describe('decodeProtobufObject (real kubectl 1.32 bodies)', () => {
  it.each(cases)('%s', (name, want) => {
    expect(decodeProtobufObject(fixture(name))).toEqual(want);
  });

  it('reads the type meta without decoding', () => {
    expect(peekProtobufTypeMeta(fixture('role'))).toEqual({ apiVersion: RBAC, kind: 'Role' });
  });
});

// ---- Synthetic bodies for kinds kubectl never sends; the writer below encodes
// field numbers by hand, independently of the decoder's schema table.
function varint(n: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return Buffer.from(out);
}
const tag = (f: number, wt: number) => varint((f << 3) | wt);
const str = (f: number, s: string | Buffer) => {
  const b = typeof s === 'string' ? Buffer.from(s) : s;
  return Buffer.concat([tag(f, 2), varint(b.length), b]);
};
const msg = (f: number, ...parts: Buffer[]) => str(f, Buffer.concat(parts));
const int = (f: number, n: number | bigint) => Buffer.concat([tag(f, 0), varint(n)]);
const mapEntry = (f: number, k: string, v: string | Buffer) => msg(f, str(1, k), str(2, v));
function envelope(apiVersion: string, kind: string, raw: Buffer, extra: Buffer[] = []): Buffer {
  return Buffer.concat([Buffer.from('k8s\0', 'binary'), msg(1, str(1, apiVersion), str(2, kind)), str(2, raw), ...extra]);
}
// the zero-valued ObjectMeta fields Go always writes
const zeroMeta = [str(2, ''), str(3, ''), str(4, ''), str(5, ''), str(6, ''), int(7, 0), msg(8)];

describe('decodeProtobufObject (synthetic)', () => {
  it('decodes a Lease with MicroTime and keeps present pointer zeros', () => {
    const t = 1767322800; // 2026-01-02T03:00:00Z
    const raw = Buffer.concat([
      msg(1, str(1, 'l1'), ...zeroMeta),
      msg(2, str(1, 'holder-a'), int(2, 15), msg(3, int(1, t), int(2, 123456000)), msg(4, int(1, t), int(2, 5000)), int(5, 0)),
    ]);
    expect(decodeProtobufObject(envelope('coordination.k8s.io/v1', 'Lease', raw))).toEqual({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'l1' },
      spec: {
        holderIdentity: 'holder-a',
        leaseDurationSeconds: 15,
        acquireTime: '2026-01-02T03:00:00.123456Z',
        renewTime: '2026-01-02T03:00:00.000005Z',
        leaseTransitions: 0,
      },
    });
  });

  it('decodes a core Event', () => {
    const t = 1767322800;
    const raw = Buffer.concat([
      msg(1, str(1, 'e1'), str(3, 'demo'), ...zeroMeta.slice(2)),
      msg(2, str(1, 'ConfigMap'), str(2, 'demo'), str(3, 'c1'), str(4, 'u1'), str(5, 'v1'), str(6, ''), str(7, '')),
      str(3, 'Created'),
      str(4, 'made it'),
      msg(5, str(1, 'ctrl'), str(2, '')),
      msg(6, int(1, t)),
      msg(7, int(1, t + 60)),
      int(8, 2),
      str(9, 'Normal'),
      msg(10),
      str(12, ''),
      str(14, ''),
      str(15, ''),
    ]);
    expect(decodeProtobufObject(envelope('v1', 'Event', raw))).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e1', namespace: 'demo' },
      involvedObject: { kind: 'ConfigMap', namespace: 'demo', name: 'c1', uid: 'u1', apiVersion: 'v1' },
      reason: 'Created',
      message: 'made it',
      source: { component: 'ctrl' },
      firstTimestamp: '2026-01-02T03:00:00Z',
      lastTimestamp: '2026-01-02T03:01:00Z',
      count: 2,
      type: 'Normal',
    });
  });

  it('decodes ServiceAccount lists, pointer bools, managedFields and deletion fields', () => {
    const raw = Buffer.concat([
      msg(
        1,
        str(1, 'sa2'),
        str(3, 'demo'),
        int(10, 0),
        msg(17, str(1, 'kubectl'), str(2, 'Update'), str(3, 'v1'), msg(4, int(1, 1767322800)), str(6, 'FieldsV1'), msg(7, str(1, '{"f:secrets":{}}')), str(8, '')),
      ),
      msg(2, str(3, 'tok'), str(1, '')),
      msg(3, str(1, 'pull')),
      int(4, 0),
    ]);
    expect(decodeProtobufObject(envelope('v1', 'ServiceAccount', raw))).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'sa2',
        namespace: 'demo',
        deletionGracePeriodSeconds: 0,
        managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2026-01-02T03:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:secrets': {} } }],
      },
      secrets: [{ name: 'tok' }],
      imagePullSecrets: [{ name: 'pull' }],
      automountServiceAccountToken: false,
    });
  });

  it('keeps empty map values and encodes secret bytes as base64', () => {
    const raw = Buffer.concat([msg(1, str(1, 's')), mapEntry(2, 'empty', ''), mapEntry(2, 'bin', Buffer.from([0xff, 0])), str(3, ''), int(5, 1)]);
    expect(decodeProtobufObject(envelope('v1', 'Secret', raw))).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { empty: '', bin: '/wA=' },
      immutable: true,
    });
  });

  it('decodes SelfSubjectReview userInfo extra', () => {
    const raw = msg(2, msg(1, str(1, 'alice'), str(3, 'g1'), str(3, 'g2'), msg(4, str(1, 'scopes'), msg(2, str(1, 'a'), str(1, 'b')))));
    expect(decodeProtobufObject(envelope('authentication.k8s.io/v1', 'SelfSubjectReview', raw))).toEqual({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
      status: { userInfo: { username: 'alice', groups: ['g1', 'g2'], extra: { scopes: ['a', 'b'] } } },
    });
  });

  it('accepts the explicit inner content type and ignores unknown fields', () => {
    const raw = Buffer.concat([msg(1, str(1, 'n')), str(99, 'future')]);
    const body = envelope('v1', 'Namespace', raw, [str(3, ''), str(4, 'application/vnd.kubernetes.protobuf')]);
    expect(decodeProtobufObject(body)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } });
  });
});

describe('decodeProtobufObject errors', () => {
  const code = (b: Buffer) => {
    try {
      decodeProtobufObject(b);
    } catch (e) {
      expect(e).toBeInstanceOf(KubeStatusError);
      return (e as KubeStatusError).code;
    }
    return 0;
  };

  it('400s on a missing magic prefix, JSON, or truncated bytes', () => {
    expect(code(Buffer.from('{"kind":"ConfigMap"}'))).toBe(400);
    expect(code(Buffer.alloc(0))).toBe(400);
    const good = fixture('configmap');
    expect(code(good.subarray(0, good.length - 20))).toBe(400);
    expect(code(envelope('v1', 'ConfigMap', Buffer.from([0x0a, 0x50, 0x01])))).toBe(400);
  });

  it('400s on a compressed envelope', () => {
    expect(code(envelope('v1', 'Namespace', Buffer.alloc(0), [str(3, 'gzip')]))).toBe(400);
  });

  it('415s on a kind without a schema (as the apiserver does for CRs)', () => {
    expect(code(envelope('example.com/v1', 'Widget', Buffer.alloc(0)))).toBe(415);
    expect(code(envelope('apps/v1', 'Deployment', Buffer.alloc(0)))).toBe(415);
    expect(isProtobufKindSupported('v1', 'ConfigMap')).toBe(true);
    expect(isProtobufKindSupported('example.com/v1', 'Widget')).toBe(false);
  });
});
