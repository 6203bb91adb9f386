import { buildTable } from '../table/to-table';
import { openApiV3Document } from '../openapi/openapi-v3';
import { apiResourceList } from '../discovery/legacy-discovery';
import { KubeStatusError } from '../status';
import { clusterCrd, widgetCrd } from './crd.fixtures';
import { evalJsonPath, parseSimplePath, toJsonPathPlus } from './crd-jsonpath';
import { crdStatus, isCrdServing } from './crd-status';
import { convertForVersion, customFieldPathsOf, customFieldValuesOf, customResourceInfo, customResourceInfos, crdVersionOf, resourceTypesFromCrd } from './crd-resources';
import { crdTableColumns } from './crd-table';
import { applyScale, toScale } from './crd-scale';
import { openApiExtrasFromCrds } from './crd-openapi';
import { defaultCrd } from './crd-validation';
import type { CustomResourceDefinition } from './crd.types';

const T0 = new Date('2025-01-01T00:00:00Z');
const T1 = new Date('2025-01-01T01:00:00Z');

function established(crd: CustomResourceDefinition, others: CustomResourceDefinition[] = []): CustomResourceDefinition {
  const c = defaultCrd(crd);
  c.status = crdStatus(c, others, { now: T0 });
  return c;
}

describe('JSONPath conversion', () => {
  it.each([
    ['.spec.replicas', '$.spec.replicas'],
    ['{.spec.replicas}', '$.spec.replicas'],
    ['.status.conditions[?(@.type=="Ready")].status', '$.status.conditions[?(@.type=="Ready")].status'],
    ['.metadata.labels.app\\.kubernetes\\.io/name', "$.metadata.labels['app.kubernetes.io/name']"],
    ['.spec.items[*].name', '$.spec.items[*].name'],
    ['.spec.x-y', "$.spec['x-y']"],
    ['..name', '$..name'],
  ])('%s -> %s', (k8s, plus) => expect(toJsonPathPlus(k8s)).toBe(plus));

  it('evaluates filters and returns [] on misses or parse errors', () => {
    const o = { status: { conditions: [{ type: 'A', status: 'False' }, { type: 'Ready', status: 'True' }] } };
    expect(evalJsonPath('.status.conditions[?(@.type=="Ready")].status', o)).toEqual(['True']);
    expect(evalJsonPath('.status.nope.x', o)).toEqual([]);
    expect(evalJsonPath('.status[', o)).toEqual([]);
  });

  it.each([
    ['.spec.size', ['spec', 'size']],
    [".metadata.labels['a.b/c']", ['metadata', 'labels', 'a.b/c']],
    ['spec.size', undefined],
    ['.spec.items[0]', undefined],
    ['.spec.*', undefined],
  ])('parseSimplePath(%s)', (p, segs) => expect(parseSimplePath(p)).toEqual(segs));
});

describe('crdStatus', () => {
  it('accepts fresh names and establishes (K2)', () => {
    const s = crdStatus(defaultCrd(widgetCrd()), [], { now: T0 });
    expect(s.conditions).toEqual([
      { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: '2025-01-01T00:00:00Z' },
      { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: '2025-01-01T00:00:00Z' },
    ]);
    expect(s.acceptedNames).toEqual({ plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'], categories: ['all'] });
    expect(s.storedVersions).toEqual(['v1']);
  });

  const clash = (mut: (c: CustomResourceDefinition) => void): CustomResourceDefinition => {
    const c = widgetCrd();
    c.metadata = { name: 'gizmos.example.com', uid: 'u-gizmos' };
    c.spec!.names = { plural: 'gizmos', singular: 'gizmo', kind: 'Gizmo', listKind: 'GizmoList' };
    mut(c);
    return defaultCrd(c);
  };
  it.each<[string, (c: CustomResourceDefinition) => void, string, string]>([
    ['plural', (c) => { c.spec!.names!.plural = 'widget'; c.metadata!.name = 'widget.example.com'; }, 'PluralConflict', '"widget" is already in use'],
    ['singular', (c) => (c.spec!.names!.singular = 'widgets'), 'SingularConflict', '"widgets" is already in use'],
    ['shortNames', (c) => (c.spec!.names!.shortNames = ['gz', 'wd']), 'ShortNamesConflict', '"wd" is already in use'],
    ['kind', (c) => { c.spec!.names!.kind = 'Widget'; c.spec!.names!.listKind = 'GizmoList'; }, 'KindConflict', '"Widget" is already in use'],
    ['listKind', (c) => (c.spec!.names!.listKind = 'WidgetList'), 'ListKindConflict', '"WidgetList" is already in use'],
  ])('names clash: %s', (_n, mut, reason, message) => {
    const holder = established(widgetCrd());
    const s = crdStatus(clash(mut), [holder], { now: T0 });
    expect(s.conditions[0]).toMatchObject({ type: 'NamesAccepted', status: 'False', reason, message });
    expect(s.conditions[1]).toMatchObject({ type: 'Established', status: 'False', reason: 'NotAccepted' });
    // the existing holder keeps its names
    expect(crdStatus(holder, [clash(mut)], { now: T0 }).conditions[0]).toMatchObject({ status: 'True' });
  });

  it('ignores other groups and itself', () => {
    const other = widgetCrd();
    other.metadata = { name: 'widgets.other.com', uid: 'x' };
    other.spec!.group = 'other.com';
    const w = established(widgetCrd());
    expect(crdStatus(w, [established(other), w], { now: T0 }).conditions[0].status).toBe('True');
  });

  it('keeps lastTransitionTime while unchanged, adds Terminating, keeps stored versions', () => {
    const c = established(widgetCrd());
    c.status!.storedVersions = ['v1alpha1'];
    c.metadata!.deletionTimestamp = T1.toISOString();
    const s = crdStatus(c, [], { now: T1 });
    expect(s.conditions.map((x) => x.lastTransitionTime)).toEqual(['2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', '2025-01-01T01:00:00Z']);
    expect(s.conditions[2]).toMatchObject({ type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress' });
    expect(s.storedVersions).toEqual(['v1alpha1', 'v1']);
  });

  it('an established CRD whose new names clash keeps serving the old ones', () => {
    const holder = established(widgetCrd());
    const g = established(clash(() => undefined), [holder]);
    g.spec!.names!.shortNames = ['wd'];
    const st = crdStatus(g, [holder], { now: T1 });
    g.status = st;
    expect(st.conditions[0]).toMatchObject({ status: 'False', reason: 'ShortNamesConflict' });
    expect(st.conditions[1]).toMatchObject({ type: 'Established', status: 'True' });
    expect(st.acceptedNames.shortNames).toBeUndefined();
    expect(isCrdServing(g)).toBe(true);
  });
});

describe('resourceTypesFromCrd', () => {
  it('is empty until established', () => {
    expect(resourceTypesFromCrd(defaultCrd(widgetCrd()))).toEqual([]);
  });

  it('gives one ResourceType per served version', () => {
    const rts = resourceTypesFromCrd(established(widgetCrd()));
    expect(rts.map((r) => r.version)).toEqual(['v1', 'v1beta1']);
    expect(rts[0]).toEqual({
      group: 'example.com',
      version: 'v1',
      resource: 'widgets',
      singular: 'widget',
      kind: 'Widget',
      listKind: 'WidgetList',
      namespaced: true,
      shortNames: ['wd'],
      categories: ['all'],
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      subresources: ['status', 'scale'],
      nameRule: 'dns1123-subdomain',
      tracksGeneration: true,
      fieldSelectors: ['spec.size'],
    });
    expect(rts[1]).toMatchObject({ subresources: [], fieldSelectors: [] });
  });

  it('cluster-scoped kind with defaulted names', () => {
    const [rt] = resourceTypesFromCrd(established(clusterCrd()));
    expect(rt).toMatchObject({ group: 'tools.example.org', resource: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList', namespaced: false, shortNames: [], categories: [] });
  });

  it('feeds legacy discovery', () => {
    const list = apiResourceList('example.com/v1', resourceTypesFromCrd(established(widgetCrd()))) as { resources: { name: string }[] };
    expect(list.resources.map((r) => r.name)).toEqual(['widgets', 'widgets/status', 'widgets/scale']);
  });

  it('CustomResourceInfo bundles the version details', () => {
    const crd = established(widgetCrd());
    expect(crdVersionOf(crd, 'v1beta1')?.name).toBe('v1beta1');
    expect(crdVersionOf(crd, 'v9')).toBeUndefined();
    const info = customResourceInfo(crd, 'v1')!;
    expect(info.hasStatus).toBe(true);
    expect(info.scale).toEqual({ specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' });
    expect(info.selectableFields).toEqual([{ name: 'spec.size', jsonPath: '.spec.size' }]);
    expect(customFieldPathsOf(info)).toEqual({ 'spec.size': ['spec', 'size'] });
    expect(customResourceInfos(crd)).toHaveLength(2);
  });
});

describe('customFieldValuesOf', () => {
  const crd = widgetCrd();
  crd.spec!.versions![0].selectableFields = [{ jsonPath: '.spec.size' }, { jsonPath: '.spec.replicas' }, { jsonPath: '.status.ready' }];
  const info = customResourceInfo(established(crd), 'v1')!;
  it.each([
    [{ spec: { size: 'L', replicas: 3 }, status: { ready: true } }, { 'spec.size': 'L', 'spec.replicas': '3', 'status.ready': 'true' }],
    [{}, { 'spec.size': '', 'spec.replicas': '', 'status.ready': '' }],
    [{ spec: { size: { nested: 1 } } }, { 'spec.size': '', 'spec.replicas': '', 'status.ready': '' }],
  ])('%j', (obj, want) => expect(customFieldValuesOf(info, obj)).toEqual(want));
});

describe('crdTableColumns', () => {
  const info = customResourceInfo(established(widgetCrd()), 'v1')!;
  const obj = {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w1', namespace: 'default', creationTimestamp: '2024-12-31T23:55:00Z' },
    spec: { size: 'L', replicas: 3, tags: ['a', 'b'] },
    status: { conditions: [{ type: 'Synced', status: 'False' }, { type: 'Ready', status: 'True' }] },
  };

  it('Name first, then the printer columns with typed cells (V5)', () => {
    const t = buildTable(crdTableColumns(info), [obj, { metadata: { name: 'w2' } }], { now: T0 });
    expect(t.columnDefinitions.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0],
      ['Size', 'string', 0],
      ['Replicas', 'integer', 0],
      ['Ready', 'string', 0],
      ['Tags', 'string', 1],
      ['Age', 'date', 0],
    ]);
    expect(t.columnDefinitions[1].description).toBe('Custom resource definition column (in JSONPath format): .spec.size');
    expect(t.rows[0].cells).toEqual(['w1', 'L', 3, 'True', '["a","b"]', '5m']);
    expect(t.rows[1].cells).toEqual(['w2', null, null, null, null, null]);
  });

  it.each<[string, string, unknown, unknown]>([
    ['integer from float', 'integer', 2.7, 2],
    ['integer from string', 'integer', '2', null],
    ['number', 'number', 1.5, 1.5],
    ['boolean', 'boolean', false, false],
    ['string from number', 'string', 4, '4'],
    ['string from object', 'string', { a: 1 }, '{"a":1}'],
    ['date invalid', 'date', 'yesterday', '<invalid>'],
    ['date future', 'date', '2025-01-01T00:10:00Z', '<invalid>'],
  ])('cell %s', (_n, type, value, want) => {
    const cols = crdTableColumns({ printerColumns: [{ name: 'X', type, jsonPath: '.spec.x' }] });
    expect(cols[1].cell({ spec: { x: value } }, T0)).toEqual(want);
  });

  it('defaults to Name + Age (K9)', () => {
    const cols = crdTableColumns(customResourceInfo(established(widgetCrd()), 'v1beta1')!);
    expect(cols.map((c) => [c.definition.name, c.definition.type])).toEqual([['Name', 'string'], ['Age', 'date']]);
    expect(cols[1].cell(obj, T0)).toBe('5m');
  });
});

describe('scale subresource (K8)', () => {
  const info = customResourceInfo(established(widgetCrd()), 'v1')!;
  const obj = {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w1', namespace: 'ns', uid: 'u1', resourceVersion: '7', creationTimestamp: '2025-01-01T00:00:00Z', labels: { a: 'b' } },
    spec: { replicas: 2, selector: 'app=w1' },
    status: { replicas: 1 },
  };

  it('toScale maps the paths', () => {
    expect(toScale(info, obj)).toEqual({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'w1', namespace: 'ns', uid: 'u1', resourceVersion: '7', creationTimestamp: '2025-01-01T00:00:00Z' },
      spec: { replicas: 2 },
      status: { replicas: 1, selector: 'app=w1' },
    });
    expect(toScale(info, { metadata: { name: 'x' } })).toMatchObject({ spec: {}, status: { replicas: 0 } });
  });

  it('applyScale writes spec.replicas, creating parents', () => {
    const deep = { ...info, scale: { specReplicasPath: '.spec.scaling.count', statusReplicasPath: '.status.count' } };
    expect(applyScale(info, obj, { spec: { replicas: 5 } })).toMatchObject({ spec: { replicas: 5, selector: 'app=w1' }, status: { replicas: 1 } });
    expect(applyScale(deep, { metadata: { name: 'x' } }, { spec: { replicas: 0 } })).toEqual({ metadata: { name: 'x' }, spec: { scaling: { count: 0 } } });
    expect(obj.spec.replicas).toBe(2);
  });

  it.each([[-1], [1.5], ['3'], [undefined]])('rejects replicas %p with 422', (replicas) => {
    let err: unknown;
    try {
      applyScale(info, obj, { spec: { replicas } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KubeStatusError);
    expect((err as KubeStatusError).status).toMatchObject({ code: 422, reason: 'Invalid', details: { kind: 'Scale', group: 'autoscaling', name: 'w1' } });
    expect((err as KubeStatusError).status.details!.causes![0].field).toBe('spec.replicas');
  });
});

describe('convertForVersion (None)', () => {
  it('rewrites only apiVersion', () => {
    const info = customResourceInfo(established(widgetCrd()), 'v1beta1')!;
    const stored = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'a' }, spec: { size: 'S' } };
    expect(convertForVersion(stored, info)).toEqual({ ...stored, apiVersion: 'example.com/v1beta1' });
  });
});

describe('openApiExtrasFromCrds', () => {
  it('groups served versions and carries the schema for explain (O5)', () => {
    const extras = openApiExtrasFromCrds([established(widgetCrd()), established(clusterCrd()), defaultCrd(widgetCrd())]);
    expect(extras.map((x) => [x.groupVersion, x.resources.map((r) => r.resource), Object.keys(x.schemas ?? {})])).toEqual([
      ['example.com/v1', ['widgets'], ['Widget']],
      ['example.com/v1beta1', ['widgets'], ['Widget']],
      ['tools.example.org/v1', ['gadgets'], ['Gadget']],
    ]);
    const doc = openApiV3Document('example.com/v1', [], extras) as { components: { schemas: Record<string, Record<string, unknown>> } };
    const widget = Object.values(doc.components.schemas).find((s) => JSON.stringify(s['x-kubernetes-group-version-kind'] ?? '').includes('"Widget"'))!;
    expect(widget.description).toBe('A Widget.');
    expect((widget.properties as Record<string, { description?: string }>).spec.description).toBe('Desired state of the widget.');
  });
});
