import { findResource, ResourceType } from '../resources';
import { buildTable, formatAge, NAME_COLUMN, parseIncludeObject, toTable, wantsTable } from './index';

const rt = (g: string, r: string): ResourceType => findResource(g, 'v1', r)!;
const NOW = new Date('2026-01-10T12:00:00Z');
const meta = (name: string, extra: object = {}) => ({ name, namespace: 'demo', uid: `u-${name}`, creationTimestamp: '2026-01-10T11:58:21Z', labels: { a: 'b' }, ...extra });

describe('formatAge', () => {
  const ago = (s: number) => formatAge(new Date(NOW.getTime() - s * 1000), NOW);
  it.each([
    [0, '0s'],
    [-1, '0s'],
    [-5, '<invalid>'],
    [5, '5s'],
    [99, '99s'],
    [119, '119s'],
    [120, '2m'],
    [185, '3m5s'],
    [600, '10m'],
    [179 * 60, '179m'],
    [3 * 3600, '3h'],
    [3 * 3600 + 25 * 60, '3h25m'],
    [8 * 3600, '8h'],
    [47 * 3600, '47h'],
    [2 * 86400, '2d'],
    [2 * 86400 + 4 * 3600, '2d4h'],
    [8 * 86400, '8d'],
    [400 * 86400, '400d'],
    [730 * 86400, '2y'],
    [(730 + 10) * 86400, '2y10d'],
    [3000 * 86400, '8y'],
  ])('%ss -> %s', (s, want) => {
    expect(ago(s)).toBe(want);
  });
  it('handles missing and bad timestamps', () => {
    expect(formatAge(undefined, NOW)).toBe('<unknown>');
    expect(formatAge('garbage', NOW)).toBe('<unknown>');
    expect(formatAge('2026-01-10T11:59:00Z', NOW)).toBe('60s');
  });
});

describe('toTable', () => {
  it('renders ConfigMaps as NAME DATA AGE with PartialObjectMetadata rows', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('t1'), data: { a: '1' }, binaryData: { b: 'AA==' } };
    const t = toTable(rt('', 'configmaps'), [cm], { resourceVersion: '8', continue: 'tok', now: NOW });
    expect(t.kind).toBe('Table');
    expect(t.apiVersion).toBe('meta.k8s.io/v1');
    expect(t.metadata).toEqual({ resourceVersion: '8', continue: 'tok' });
    expect(t.columnDefinitions.map((c) => [c.name, c.type, c.format, c.priority])).toEqual([
      ['Name', 'string', 'name', 0],
      ['Data', 'integer', '', 0],
      ['Age', 'string', '', 0],
    ]);
    expect(t.rows).toEqual([{ cells: ['t1', 2, '99s'], object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: cm.metadata } }]);
  });

  it('follows includeObject', () => {
    const obj = { metadata: meta('x') };
    expect(toTable(rt('', 'configmaps'), [obj], { includeObject: 'None' }).rows[0]).not.toHaveProperty('object');
    expect(toTable(rt('', 'configmaps'), [obj], { includeObject: 'Object' }).rows[0].object).toBe(obj);
    expect(parseIncludeObject(null)).toBe('Metadata');
    expect(parseIncludeObject('Object')).toBe('Object');
    expect(parseIncludeObject('bogus')).toBe('Metadata');
  });

  it.each([
    ['', 'namespaces', { metadata: meta('demo'), status: { phase: 'Active' } }, ['Name', 'Status', 'Age'], ['demo', 'Active', '99s']],
    ['', 'secrets', { metadata: meta('s'), type: 'Opaque', data: { a: 'MQ==', b: 'Mg==' } }, ['Name', 'Type', 'Data', 'Age'], ['s', 'Opaque', 2, '99s']],
    ['', 'serviceaccounts', { metadata: meta('sa'), secrets: [{ name: 'x' }] }, ['Name', 'Secrets', 'Age'], ['sa', 1, '99s']],
    ['coordination.k8s.io', 'leases', { metadata: meta('l'), spec: { holderIdentity: 'me' } }, ['Name', 'Holder', 'Age'], ['l', 'me', '99s']],
    ['rbac.authorization.k8s.io', 'roles', { metadata: meta('r') }, ['Name', 'Created At'], ['r', '2026-01-10T11:58:21Z']],
    ['rbac.authorization.k8s.io', 'clusterroles', { metadata: meta('cr') }, ['Name', 'Created At'], ['cr', '2026-01-10T11:58:21Z']],
    ['apiextensions.k8s.io', 'customresourcedefinitions', { metadata: meta('w.e.com') }, ['Name', 'Created At'], ['w.e.com', '2026-01-10T11:58:21Z']],
  ])('%s %s columns', (g, r, obj, names, cells) => {
    const t = toTable(rt(g, r), [obj], { now: NOW });
    expect(t.columnDefinitions.map((c) => c.name)).toEqual(names);
    expect(t.rows[0].cells).toEqual(cells);
  });

  it('renders bindings with wide subject columns', () => {
    const rb = {
      metadata: meta('rb'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r1' },
      subjects: [
        { kind: 'User', name: 'u1' },
        { kind: 'User', name: 'u2' },
        { kind: 'Group', name: 'g' },
        { kind: 'ServiceAccount', name: 'sa1', namespace: 'demo' },
      ],
    };
    const t = toTable(rt('rbac.authorization.k8s.io', 'rolebindings'), [rb], { now: NOW });
    expect(t.columnDefinitions.map((c) => `${c.name}:${c.priority}`)).toEqual(['Name:0', 'Role:0', 'Age:0', 'Users:1', 'Groups:1', 'ServiceAccounts:1']);
    expect(t.rows[0].cells).toEqual(['rb', 'Role/r1', '99s', 'u1, u2', 'g', 'demo/sa1']);
  });

  it('renders events as LAST SEEN TYPE REASON OBJECT MESSAGE', () => {
    const ev = {
      metadata: meta('e1'),
      involvedObject: { kind: 'ConfigMap', name: 'c1', namespace: 'demo' },
      reason: 'Created',
      message: 'hello',
      type: 'Normal',
      lastTimestamp: '2026-01-10T11:59:00Z',
      firstTimestamp: '2026-01-10T11:00:00Z',
      count: 3,
      source: { component: 'ctrl' },
    };
    const t = toTable(rt('', 'events'), [ev], { now: NOW });
    expect(t.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).toEqual(['Last Seen', 'Type', 'Reason', 'Object', 'Message']);
    expect(t.rows[0].cells).toEqual(['60s', 'Normal', 'Created', 'configmap/c1', '', 'ctrl', 'hello', '60m', '3', 'e1']);
  });

  it('falls back to Name + Created At for kinds without a printer, and can omit columns', () => {
    const custom: ResourceType = { ...rt('', 'configmaps'), group: 'example.com', kind: 'Widget' };
    const t = toTable(custom, [{ metadata: meta('w') }], { now: NOW });
    expect(t.columnDefinitions.map((c) => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Created At', 'date'],
    ]);
    expect(toTable(custom, [], { omitColumnDefinitions: true }).columnDefinitions).toEqual([]);
    expect(buildTable([NAME_COLUMN], [{ metadata: { name: 'n' } }], { includeObject: 'None' }).rows).toEqual([{ cells: ['n'] }]);
  });
});

describe('wantsTable', () => {
  it.each([
    ['application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', true],
    ['application/json;as=Table;v=v1beta1;g=meta.k8s.io', true],
    ['application/json; g=meta.k8s.io; v=v1; as=Table', true],
    ['application/json', false],
    ['application/json, */*', false],
    ['application/vnd.kubernetes.protobuf,application/json', false],
    ['application/json;as=Table;v=v2;g=meta.k8s.io', false],
    ['application/json;as=Table;v=v1;g=meta.k8s.io;q=0', false],
    [undefined, false],
  ])('%s -> %s', (accept, want) => {
    expect(wantsTable(accept)).toBe(want);
  });
});
