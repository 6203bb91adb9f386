import { parseFieldSelector } from '../selectors';
import { KubeStatusError } from '../status';
import {
  allFieldValuesOf,
  apiVersionOf,
  BUILTIN_RESOURCES,
  checkFieldSelector,
  fieldValuesOf,
  findResource,
  findResourceByKind,
  isPersisted,
  storageKey,
} from './index';

const get = (g: string, r: string) => findResource(g, 'v1', r)!;

describe('builtin resources', () => {
  it('contains the required types', () => {
    const keys = BUILTIN_RESOURCES.map(storageKey);
    for (const k of [
      'namespaces',
      'configmaps',
      'secrets',
      'serviceaccounts',
      'events',
      'leases.coordination.k8s.io',
      'roles.rbac.authorization.k8s.io',
      'rolebindings.rbac.authorization.k8s.io',
      'clusterroles.rbac.authorization.k8s.io',
      'clusterrolebindings.rbac.authorization.k8s.io',
      'customresourcedefinitions.apiextensions.k8s.io',
    ]) {
      expect(keys).toContain(k);
    }
    // Versions of one resource share its storage key; each group/version/resource is served once.
    const gvrs = BUILTIN_RESOURCES.map((r) => `${r.group}/${r.version}/${r.resource}`);
    expect(new Set(gvrs).size).toBe(gvrs.length);
  });

  it('describes namespaces as the apiserver does', () => {
    const ns = get('', 'namespaces');
    expect(ns).toMatchObject({ kind: 'Namespace', listKind: 'NamespaceList', namespaced: false, shortNames: ['ns'], nameRule: 'dns1123-label' });
    expect(ns.subresources).toEqual(['status', 'finalize']);
    expect(ns.verbs).not.toContain('deletecollection');
  });

  it('uses path-segment names for RBAC and generation for CRDs', () => {
    expect(get('rbac.authorization.k8s.io', 'clusterroles').nameRule).toBe('path-segment');
    expect(get('apiextensions.k8s.io', 'customresourcedefinitions')).toMatchObject({ tracksGeneration: true, shortNames: ['crd', 'crds'], categories: ['api-extensions'] });
    expect(get('', 'configmaps').tracksGeneration).toBe(false);
  });

  it('finds by kind and computes apiVersion', () => {
    expect(findResourceByKind('coordination.k8s.io', 'v1', 'Lease')?.resource).toBe('leases');
    expect(findResource('', 'v2', 'configmaps')).toBeUndefined();
    expect(apiVersionOf(get('', 'secrets'))).toBe('v1');
    expect(apiVersionOf(get('coordination.k8s.io', 'leases'))).toBe('coordination.k8s.io/v1');
  });

  it('marks review kinds as not persisted', () => {
    expect(isPersisted(findResource('authorization.k8s.io', 'v1', 'selfsubjectaccessreviews')!)).toBe(false);
    expect(isPersisted(get('', 'configmaps'))).toBe(true);
  });
});

describe('field values', () => {
  it('extracts per-kind fields', () => {
    expect(fieldValuesOf(get('', 'secrets'), { type: 'Opaque' })).toEqual({ type: 'Opaque' });
    expect(fieldValuesOf(get('', 'secrets'), {})).toEqual({ type: '' });
    expect(fieldValuesOf(get('', 'namespaces'), { status: { phase: 'Active' } })).toEqual({ 'status.phase': 'Active' });
    expect(fieldValuesOf(get('', 'configmaps'), { data: {} })).toEqual({});
  });

  it('extracts event fields, with source from source.component', () => {
    const ev = {
      involvedObject: { kind: 'ConfigMap', namespace: 'demo', name: 'c1', uid: 'u1', apiVersion: 'v1', resourceVersion: '5', fieldPath: 'spec' },
      reason: 'Created',
      reportingComponent: 'ctrl',
      source: { component: 'kubelet', host: 'h' },
      type: 'Normal',
    };
    expect(fieldValuesOf(get('', 'events'), ev)).toEqual({
      'involvedObject.kind': 'ConfigMap',
      'involvedObject.namespace': 'demo',
      'involvedObject.name': 'c1',
      'involvedObject.uid': 'u1',
      'involvedObject.apiVersion': 'v1',
      'involvedObject.resourceVersion': '5',
      'involvedObject.fieldPath': 'spec',
      reason: 'Created',
      reportingComponent: 'ctrl',
      source: 'kubelet',
      type: 'Normal',
    });
  });

  it('allFieldValuesOf adds name and namespace', () => {
    expect(allFieldValuesOf(get('', 'namespaces'), { metadata: { name: 'n' }, status: { phase: 'Active' } })).toEqual({
      'metadata.name': 'n',
      'metadata.namespace': '',
      'status.phase': 'Active',
    });
  });

  it('checkFieldSelector accepts supported fields and 400s on others', () => {
    expect(() => checkFieldSelector(get('', 'configmaps'), parseFieldSelector('metadata.name=a,metadata.namespace!=b'))).not.toThrow();
    expect(() => checkFieldSelector(get('', 'events'), parseFieldSelector('involvedObject.uid=x,type=Normal'))).not.toThrow();
    let err: unknown;
    try {
      checkFieldSelector(get('', 'configmaps'), parseFieldSelector('metadata.name=a,foo=b'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KubeStatusError);
    expect((err as KubeStatusError).code).toBe(400);
    expect((err as KubeStatusError).message).toBe('field label not supported: foo');
    expect(() => checkFieldSelector(get('', 'configmaps'), parseFieldSelector('type=Opaque'))).toThrow('field label not supported: type');
  });

  it('uses the apiextensions wording and selectable fields for custom resources', () => {
    const widget = { ...get('', 'configmaps'), group: 'example.com', resource: 'widgets', kind: 'Widget', fieldSelectors: ['spec.size', 'spec.replicas'] };
    expect(() => checkFieldSelector(widget, parseFieldSelector('spec.size=large'))).not.toThrow();
    expect(() => checkFieldSelector(widget, parseFieldSelector('foo=1'))).toThrow(
      '"foo" is not a known field selector: only "metadata.name", "metadata.namespace", "spec.size", "spec.replicas"',
    );
    expect(fieldValuesOf(widget, { spec: { size: 'large', replicas: 3 } })).toEqual({ 'spec.size': 'large', 'spec.replicas': '3' });
    expect(fieldValuesOf(widget, {})).toEqual({ 'spec.size': '', 'spec.replicas': '' });
  });
});
