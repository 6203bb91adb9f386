import { BUILTIN_RESOURCES, ResourceType } from '../resources';
import {
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  compareKubeVersions,
  negotiateDiscovery,
  OPENAPI_V2_STUB,
  storageVersionHash,
  versionInfo,
} from './index';

const widget = (version: string): ResourceType => ({
  group: 'example.com',
  version,
  resource: 'widgets',
  singular: 'widget',
  kind: 'Widget',
  listKind: 'WidgetList',
  namespaced: true,
  shortNames: ['wd'],
  categories: ['all'],
  verbs: ['get', 'list'],
  subresources: ['status'],
  nameRule: 'dns1123-subdomain',
  tracksGeneration: true,
  fieldSelectors: [],
});

describe('version and openapi stub', () => {
  it('reports v1.32.0-kplane', () => {
    expect(versionInfo()).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.0-kplane', gitTreeState: 'clean', compiler: 'gc', platform: 'linux/amd64' });
  });
  it('is the 30-byte protobuf document', () => {
    expect(OPENAPI_V2_STUB).toHaveLength(30);
    expect(OPENAPI_V2_STUB.toString('base64')).toBe('CgMyLjASFQoKS3ViZXJuZXRlcxIHdjEuMzIuMEIA');
  });
});

describe('legacy discovery', () => {
  it('/api', () => {
    expect(apiVersions('127.0.0.1:6443')).toEqual({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
    });
  });

  it('/apis lists named groups only, preferred version first', () => {
    const list = apiGroupList([...BUILTIN_RESOURCES, widget('v1beta1'), widget('v1'), widget('v1alpha1')]);
    expect(list.kind).toBe('APIGroupList');
    expect(list.groups.map((g) => g.name)).not.toContain('');
    expect(list.groups.find((g) => g.name === 'rbac.authorization.k8s.io')).toEqual({
      name: 'rbac.authorization.k8s.io',
      versions: [{ groupVersion: 'rbac.authorization.k8s.io/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'rbac.authorization.k8s.io/v1', version: 'v1' },
    });
    const ex = list.groups.find((g) => g.name === 'example.com')!;
    expect(ex.versions.map((v) => v.version)).toEqual(['v1', 'v1beta1', 'v1alpha1']);
    expect(ex.preferredVersion.version).toBe('v1');
  });

  it('/apis/<g>', () => {
    expect(apiGroup('coordination.k8s.io', BUILTIN_RESOURCES)).toEqual({
      kind: 'APIGroup',
      apiVersion: 'v1',
      name: 'coordination.k8s.io',
      versions: [{ groupVersion: 'coordination.k8s.io/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'coordination.k8s.io/v1', version: 'v1' },
    });
    expect(apiGroup('nope.io', BUILTIN_RESOURCES)).toBeUndefined();
  });

  it('/api/v1 carries resources and subresources', () => {
    const list = apiResourceList('v1', BUILTIN_RESOURCES) as { resources: Record<string, unknown>[] };
    const byName = Object.fromEntries(list.resources.map((r) => [r.name, r]));
    expect(byName.configmaps).toEqual({
      name: 'configmaps',
      singularName: 'configmap',
      namespaced: true,
      kind: 'ConfigMap',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['cm'],
      categories: ['all'],
      storageVersionHash: storageVersionHash('', 'v1', 'ConfigMap'),
    });
    expect(byName['namespaces/status']).toEqual({ name: 'namespaces/status', singularName: '', namespaced: false, kind: 'Namespace', verbs: ['get', 'patch', 'update'] });
    expect(byName['namespaces/finalize']).toMatchObject({ verbs: ['update'] });
    expect(byName['serviceaccounts/token']).toEqual({
      name: 'serviceaccounts/token',
      singularName: '',
      namespaced: true,
      group: 'authentication.k8s.io',
      version: 'v1',
      kind: 'TokenRequest',
      verbs: ['create'],
    });
    expect(list.resources.every((r) => !String(r.name).includes('lease'))).toBe(true);
  });

  it('/apis/<g>/<v> filters to the group version', () => {
    const list = apiResourceList('apiextensions.k8s.io/v1', BUILTIN_RESOURCES) as { groupVersion: string; resources: { name: string }[] };
    expect(list.groupVersion).toBe('apiextensions.k8s.io/v1');
    expect(list.resources.map((r) => r.name)).toEqual(['customresourcedefinitions', 'customresourcedefinitions/status']);
  });

  it('storageVersionHash is stable and short', () => {
    expect(storageVersionHash('', 'v1', 'ConfigMap')).toBe(storageVersionHash('', 'v1', 'ConfigMap'));
    expect(storageVersionHash('', 'v1', 'ConfigMap')).toMatch(/^[A-Za-z0-9+/]{11}=$/);
    expect(storageVersionHash('', 'v1', 'Secret')).not.toBe(storageVersionHash('', 'v1', 'ConfigMap'));
  });

  it('orders versions like Kubernetes', () => {
    expect(['v1alpha1', 'v2', 'v1beta2', 'foo', 'v1', 'v1beta1', 'v10'].sort(compareKubeVersions)).toEqual(['v10', 'v2', 'v1', 'v1beta2', 'v1beta1', 'v1alpha1', 'foo']);
  });
});

describe('aggregated discovery', () => {
  it('core lists only the core group', () => {
    const doc = aggregatedDiscovery(BUILTIN_RESOURCES, 'core', 'apidiscovery.k8s.io/v2') as { items: { metadata: object; versions: { version: string; resources: { resource: string }[] }[] }[] };
    expect(doc).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {} });
    expect(doc.items).toHaveLength(1);
    expect(doc.items[0].metadata).toEqual({});
    expect(doc.items[0].versions[0].resources.map((r) => r.resource)).toContain('configmaps');
  });

  it('apis lists named groups with subresources, preferred version first', () => {
    const doc = aggregatedDiscovery([...BUILTIN_RESOURCES, widget('v1beta1'), widget('v1')], 'apis', 'apidiscovery.k8s.io/v2beta1') as {
      apiVersion: string;
      items: { metadata: { name: string }; versions: { version: string; freshness: string; resources: Record<string, unknown>[] }[] }[];
    };
    expect(doc.apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
    expect(doc.items.map((i) => i.metadata.name)).not.toContain('');
    const ex = doc.items.find((i) => i.metadata.name === 'example.com')!;
    expect(ex.versions.map((v) => v.version)).toEqual(['v1', 'v1beta1']);
    expect(ex.versions[0]).toEqual({
      version: 'v1',
      freshness: 'Current',
      resources: [
        {
          resource: 'widgets',
          responseKind: { group: 'example.com', version: 'v1', kind: 'Widget' },
          scope: 'Namespaced',
          singularResource: 'widget',
          verbs: ['get', 'list'],
          shortNames: ['wd'],
          categories: ['all'],
          subresources: [{ subresource: 'status', responseKind: { group: 'example.com', version: 'v1', kind: 'Widget' }, verbs: ['get', 'patch', 'update'] }],
        },
      ],
    });
  });
});

describe('negotiateDiscovery', () => {
  const v2 = { aggregated: true, version: 'v2', contentType: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' };
  const v2beta1 = { aggregated: true, version: 'v2beta1', contentType: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList' };
  it.each([
    ['application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json', v2],
    ['application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json', v2beta1],
    ['application/json;as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io', v2],
    ['application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;profile=nopeer,application/json', v2],
    ['application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;profile=other', { aggregated: false }],
    ['application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json', { aggregated: false }],
    ['application/json;q=1,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0.5', v2],
    ['application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0', { aggregated: false }],
    ['application/json, */*', { aggregated: false }],
    [undefined, { aggregated: false }],
    ['', { aggregated: false }],
  ])('%s', (accept, want) => {
    expect(negotiateDiscovery(accept)).toEqual(want);
  });
});
