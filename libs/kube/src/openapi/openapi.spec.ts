import { BUILTIN_RESOURCES, ResourceType } from '../resources';
import { OpenApiExtraGroupVersion, openApiV3Document, openApiV3ForPath, openApiV3Index, PATCH_CONTENT_TYPES_BUILTIN } from './openapi-v3';
import { SCHEMA_TABLE } from './schema-table';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const widget = (schema?: Obj): OpenApiExtraGroupVersion => {
  const rt: ResourceType = {
    group: 'example.com',
    version: 'v1',
    resource: 'widgets',
    singular: 'widget',
    kind: 'Widget',
    listKind: 'WidgetList',
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status'],
    nameRule: 'dns1123-subdomain',
    tracksGeneration: true,
    fieldSelectors: [],
  };
  return { groupVersion: 'example.com/v1', resources: [rt], schemas: { Widget: schema } };
};

const WIDGET_SCHEMA = { type: 'object', properties: { spec: { type: 'object', description: 'Widget spec.', properties: { size: { type: 'string' } } } } };

/** Every `$ref` in a document, with its target name. */
function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refs(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref') out.push(String(v).replace('#/components/schemas/', ''));
      else refs(v, out);
    }
  }
  return out;
}

describe('openApiV3Index', () => {
  it('lists every built-in group version with a hashed URL', () => {
    const idx = openApiV3Index(BUILTIN_RESOURCES);
    expect(Object.keys(idx.paths)).toEqual(
      expect.arrayContaining(['api/v1', 'apis/coordination.k8s.io/v1', 'apis/rbac.authorization.k8s.io/v1', 'apis/apiextensions.k8s.io/v1', 'apis/events.k8s.io/v1']),
    );
    expect(idx.paths['api/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
    expect(idx.paths['apis/coordination.k8s.io/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/coordination\.k8s\.io\/v1\?hash=/);
  });

  it('is stable, and the hash of a group version changes with its document only', () => {
    const a = openApiV3Index(BUILTIN_RESOURCES, [widget(WIDGET_SCHEMA)]);
    expect(openApiV3Index(BUILTIN_RESOURCES, [widget(WIDGET_SCHEMA)])).toEqual(a);
    const changed = { ...WIDGET_SCHEMA, description: 'changed' };
    const b = openApiV3Index(BUILTIN_RESOURCES, [widget(changed)]);
    expect(b.paths['apis/example.com/v1'].serverRelativeURL).not.toBe(a.paths['apis/example.com/v1'].serverRelativeURL);
    expect(b.paths['api/v1']).toEqual(a.paths['api/v1']);
    expect(openApiV3Index(BUILTIN_RESOURCES).paths['apis/example.com/v1']).toBeUndefined();
  });
});

describe('openApiV3Document (built-ins)', () => {
  const core = openApiV3Document('v1', BUILTIN_RESOURCES) as Obj;

  it('lays out namespaced and cluster-scoped paths like the apiserver', () => {
    expect(Object.keys(core.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/configmaps',
        '/api/v1/namespaces/{namespace}/configmaps',
        '/api/v1/namespaces/{namespace}/configmaps/{name}',
        '/api/v1/namespaces',
        '/api/v1/namespaces/{name}',
        '/api/v1/namespaces/{name}/status',
        '/api/v1/namespaces/{name}/finalize',
        '/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token',
      ]),
    );
    expect(Object.keys(core.paths).every((p) => p.startsWith('/api/v1/'))).toBe(true);
    // namespaces have no deletecollection; review kinds are create-only
    expect(core.paths['/api/v1/namespaces'].delete).toBeUndefined();
    const authz = openApiV3Document('authorization.k8s.io/v1', BUILTIN_RESOURCES) as Obj;
    expect(Object.keys(authz.paths)).toEqual(['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews']);
    expect(Object.keys(authz.paths['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'])).toEqual(['parameters', 'post']);
  });

  it('describes PATCH as kubectl expects: GVK object, fieldValidation, strategic merge (§4 O3, O4)', () => {
    const patch = core.paths['/api/v1/namespaces/{namespace}/configmaps/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind: 'ConfigMap' });
    expect(patch['x-kubernetes-action']).toBe('patch');
    expect(patch.parameters.map((p: Obj) => p.name)).toEqual(['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty']);
    expect(Object.keys(patch.requestBody.content).sort()).toEqual([...PATCH_CONTENT_TYPES_BUILTIN].sort());
    expect(patch.requestBody.content).toHaveProperty(['application/strategic-merge-patch+json']);
    const lease = openApiV3Document('coordination.k8s.io/v1', BUILTIN_RESOURCES) as Obj;
    expect(lease.paths['/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}'].patch['x-kubernetes-group-version-kind']).toEqual({
      group: 'coordination.k8s.io',
      version: 'v1',
      kind: 'Lease',
    });
  });

  it('has kind schemas tagged with a GVK array and metadata as allOf ObjectMeta (§4 O5)', () => {
    const cm = core.components.schemas['io.k8s.api.core.v1.ConfigMap'];
    expect(cm['x-kubernetes-group-version-kind']).toEqual([{ group: '', version: 'v1', kind: 'ConfigMap' }]);
    expect(cm.properties.metadata.allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
    expect(cm.properties.data).toMatchObject({ type: 'object', additionalProperties: { type: 'string' } });
    expect(cm.properties.data.description).toBeTruthy();
    expect(cm.properties.apiVersion.type).toBe('string');
    expect(core.components.schemas['io.k8s.api.core.v1.ConfigMapList']['x-kubernetes-group-version-kind']).toEqual([{ group: '', version: 'v1', kind: 'ConfigMapList' }]);
    expect(core.components.schemas['io.k8s.api.core.v1.Secret'].properties.type.description).toBeTruthy();
    expect(core.components.schemas['io.k8s.api.core.v1.NamespaceSpec'].properties.finalizers.items).toEqual({ type: 'string' });
    const rbac = openApiV3Document('rbac.authorization.k8s.io/v1', BUILTIN_RESOURCES) as Obj;
    expect(rbac.components.schemas['io.k8s.api.rbac.v1.Role'].properties.rules.items).toEqual({ $ref: '#/components/schemas/io.k8s.api.rbac.v1.PolicyRule' });
    expect(rbac.components.schemas['io.k8s.api.rbac.v1.PolicyRule'].required).toEqual(['verbs']);
  });

  it('is self-contained: every $ref resolves inside the document', () => {
    for (const gv of ['v1', 'events.k8s.io/v1', 'coordination.k8s.io/v1', 'rbac.authorization.k8s.io/v1', 'apiextensions.k8s.io/v1', 'authorization.k8s.io/v1', 'authentication.k8s.io/v1']) {
      const doc = openApiV3Document(gv, BUILTIN_RESOURCES) as Obj;
      for (const r of refs(doc)) expect([gv, r, doc.components.schemas[r] !== undefined]).toEqual([gv, r, true]);
    }
  });

  it('has a table schema for every built-in kind', () => {
    const names = new Set(Object.values(SCHEMA_TABLE).flatMap((defs) => Object.keys(defs)));
    for (const rt of BUILTIN_RESOURCES) expect([rt.group, rt.kind, names.has(rt.kind)]).toEqual([rt.group, rt.kind, true]);
  });
});

describe('openApiV3Document (custom resources, §13 K13)', () => {
  const doc = openApiV3Document('example.com/v1', BUILTIN_RESOURCES, [widget(WIDGET_SCHEMA)]) as Obj;

  it('does not offer strategic merge for custom resources', () => {
    const patch = doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}'].patch;
    expect(Object.keys(patch.requestBody.content).sort()).toEqual(['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json']);
    expect(patch.parameters.map((p: Obj) => p.name)).toContain('fieldValidation');
    expect(Object.keys(doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/status'].patch.requestBody.content)).not.toContain(
      'application/strategic-merge-patch+json',
    );
    // a non-built-in type passed among the plain resources is treated the same way
    const viaResources = openApiV3Document('example.com/v1', [...BUILTIN_RESOURCES, ...widget().resources]) as Obj;
    expect(viaResources.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}'].patch.requestBody.content).not.toHaveProperty([
      'application/strategic-merge-patch+json',
    ]);
  });

  it('wraps the openAPIV3Schema with apiVersion, kind, metadata and the GVK', () => {
    const s = doc.components.schemas['com.example.v1.Widget'];
    expect(s['x-kubernetes-group-version-kind']).toEqual([{ group: 'example.com', version: 'v1', kind: 'Widget' }]);
    expect(Object.keys(s.properties)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(s.properties.metadata.allOf[0].$ref).toBe('#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    expect(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toBeDefined();
    expect(doc.components.schemas['com.example.v1.WidgetList']['x-kubernetes-group-version-kind']).toEqual([{ group: 'example.com', version: 'v1', kind: 'WidgetList' }]);
    expect(WIDGET_SCHEMA.properties).not.toHaveProperty('metadata'); // input left untouched
  });

  it('accepts a kind without a schema', () => {
    const d = openApiV3Document('example.com/v1', BUILTIN_RESOURCES, [widget(undefined)]) as Obj;
    expect(d.components.schemas['com.example.v1.Widget']['x-kubernetes-preserve-unknown-fields']).toBe(true);
  });
});

describe('openApiV3ForPath', () => {
  it('serves documents by key or full path and 404s unknown ones', () => {
    expect(openApiV3ForPath('api/v1', BUILTIN_RESOURCES)).toEqual(openApiV3Document('v1', BUILTIN_RESOURCES));
    expect(openApiV3ForPath('/openapi/v3/apis/coordination.k8s.io/v1?hash=AB', BUILTIN_RESOURCES)).toEqual(openApiV3Document('coordination.k8s.io/v1', BUILTIN_RESOURCES));
    expect(openApiV3ForPath('/openapi/v3/apis/example.com/v1', BUILTIN_RESOURCES, [widget()])).toBeDefined();
    expect(openApiV3ForPath('/openapi/v3/apis/example.com/v1', BUILTIN_RESOURCES)).toBeUndefined();
    expect(openApiV3ForPath('/openapi/v3/api/v2', BUILTIN_RESOURCES)).toBeUndefined();
    expect(openApiV3ForPath('/openapi/v3/apis/coordination.k8s.io', BUILTIN_RESOURCES)).toBeUndefined();
    expect(openApiV3ForPath('/openapi/v3', BUILTIN_RESOURCES)).toBeUndefined();
  });
});
