import { KubeStatusError } from '../status';
import { clusterCrd, widgetCrd } from './crd.fixtures';
import { crdValidationCauses, defaultCrd, validateCrd } from './crd-validation';
import type { CustomResourceDefinition } from './crd.types';

type Mut = (c: CustomResourceDefinition) => void;
const spec = (c: CustomResourceDefinition) => c.spec!;
const v0 = (c: CustomResourceDefinition) => c.spec!.versions![0];

function causesOf(mut: Mut, existing?: CustomResourceDefinition) {
  const crd = widgetCrd();
  mut(crd);
  return crdValidationCauses(defaultCrd(crd), { existing });
}

describe('defaultCrd', () => {
  it('fills listKind, singular and conversion without touching the input', () => {
    const input = clusterCrd();
    const out = defaultCrd(input);
    expect(out.spec!.names).toEqual({ plural: 'gadgets', kind: 'Gadget', listKind: 'GadgetList', singular: 'gadget' });
    expect(out.spec!.conversion).toEqual({ strategy: 'None' });
    expect(input.spec!.names!.listKind).toBeUndefined();
  });
  it('keeps explicit values', () => {
    const out = defaultCrd(widgetCrd());
    expect(out.spec!.names!.listKind).toBe('WidgetList');
  });
});

describe('validateCrd', () => {
  it('accepts the namespaced Widget and the cluster-scoped Gadget', () => {
    expect(() => validateCrd(defaultCrd(widgetCrd()), { others: [] })).not.toThrow();
    expect(() => validateCrd(defaultCrd(clusterCrd()))).not.toThrow();
  });

  const cases: [string, Mut, { field: string; message: RegExp }][] = [
    ['name mismatch', (c) => (c.metadata!.name = 'widgets.other.com'), { field: 'metadata.name', message: /must be spec.names.plural\+"\."\+spec.group/ }],
    ['group without dot', (c) => { spec(c).group = 'example'; c.metadata!.name = 'widgets.example'; }, { field: 'spec.group', message: /should be a domain with at least one dot/ }],
    ['group not DNS', (c) => { spec(c).group = 'Example.com'; c.metadata!.name = 'widgets.Example.com'; }, { field: 'spec.group', message: /RFC 1123 subdomain/ }],
    ['missing group', (c) => { delete spec(c).group; }, { field: 'spec.group', message: /^Required value$/ }],
    ['uppercase plural', (c) => { spec(c).names!.plural = 'Widgets'; c.metadata!.name = 'Widgets.example.com'; }, { field: 'spec.names.plural', message: /DNS-1035 label/ }],
    ['bad singular', (c) => (spec(c).names!.singular = 'wid_get'), { field: 'spec.names.singular', message: /DNS-1035/ }],
    ['missing kind', (c) => { delete spec(c).names!.kind; delete spec(c).names!.listKind; }, { field: 'spec.names.kind', message: /Required value/ }],
    ['kind equals listKind', (c) => (spec(c).names!.listKind = 'Widget'), { field: 'spec.names.listKind', message: /kind and listKind may not be the same/ }],
    ['bad short name', (c) => (spec(c).names!.shortNames = ['ok', 'Bad']), { field: 'spec.names.shortNames[1]', message: /DNS-1035/ }],
    ['bad scope', (c) => (spec(c).scope = 'Global'), { field: 'spec.scope', message: /Unsupported value: "Global": supported values: "Cluster", "Namespaced"/ }],
    ['no versions', (c) => (spec(c).versions = []), { field: 'spec.versions', message: /must have exactly one version marked as storage version/ }],
    ['two storage versions', (c) => (spec(c).versions![1].storage = true), { field: 'spec.versions', message: /exactly one version marked as storage/ }],
    ['no served version', (c) => spec(c).versions!.forEach((v) => (v.served = false)), { field: 'spec.versions', message: /at least one version marked as served/ }],
    ['duplicate version', (c) => (spec(c).versions![1].name = 'v1'), { field: 'spec.versions', message: /unique version names/ }],
    ['bad version name', (c) => (spec(c).versions![1].name = 'V1'), { field: 'spec.versions[1].name', message: /DNS-1035/ }],
    ['missing schema', (c) => delete v0(c).schema, { field: 'spec.versions[0].schema.openAPIV3Schema', message: /Required value: schemas are required/ }],
    ['webhook conversion', (c) => (spec(c).conversion = { strategy: 'Webhook' }), { field: 'spec.conversion.strategy', message: /conversion webhooks are not supported/ }],
    ['unknown conversion', (c) => (spec(c).conversion = { strategy: 'Magic' }), { field: 'spec.conversion.strategy', message: /Unsupported value/ }],
    ['too many selectable fields', (c) => (v0(c).selectableFields = Array.from({ length: 9 }, (_, i) => ({ jsonPath: `.spec.f${i}` }))), { field: 'spec.versions[0].selectableFields', message: /Too many: 9: must have at most 8 items/ }],
    ['selectable field without dot', (c) => (v0(c).selectableFields = [{ jsonPath: 'spec.size' }]), { field: 'spec.versions[0].selectableFields[0].jsonPath', message: /invalid path/ }],
    ['selectable field array step', (c) => (v0(c).selectableFields = [{ jsonPath: '.spec.tags[0]' }]), { field: 'spec.versions[0].selectableFields[0].jsonPath', message: /invalid path/ }],
    ['selectable field in metadata', (c) => (v0(c).selectableFields = [{ jsonPath: '.metadata.name' }]), { field: 'spec.versions[0].selectableFields[0].jsonPath', message: /must not point to fields in metadata/ }],
    ['selectable field wrong type', (c) => (v0(c).selectableFields = [{ jsonPath: '.spec.tags' }]), { field: 'spec.versions[0].selectableFields[0].jsonPath', message: /must point to a field of type string, boolean or integer/ }],
    ['selectable field unknown', (c) => (v0(c).selectableFields = [{ jsonPath: '.spec.nope' }]), { field: 'spec.versions[0].selectableFields[0].jsonPath', message: /does not refer to a valid field/ }],
    ['selectable field duplicate', (c) => (v0(c).selectableFields = [{ jsonPath: '.spec.size' }, { jsonPath: '.spec.size' }]), { field: 'spec.versions[0].selectableFields[1].jsonPath', message: /Duplicate value/ }],
    ['column bad type', (c) => (v0(c).additionalPrinterColumns = [{ name: 'X', type: 'float', jsonPath: '.spec.x' }]), { field: 'spec.versions[0].additionalPrinterColumns[0].type', message: /Unsupported value: "float"/ }],
    ['column missing jsonPath', (c) => (v0(c).additionalPrinterColumns = [{ name: 'X', type: 'string' }]), { field: 'spec.versions[0].additionalPrinterColumns[0].jsonPath', message: /Required value/ }],
    ['column unparsable jsonPath', (c) => (v0(c).additionalPrinterColumns = [{ name: 'X', type: 'string', jsonPath: '.spec[' }]), { field: 'spec.versions[0].additionalPrinterColumns[0].jsonPath', message: /invalid path/ }],
    ['column missing name', (c) => (v0(c).additionalPrinterColumns = [{ type: 'string', jsonPath: '.spec.x' }]), { field: 'spec.versions[0].additionalPrinterColumns[0].name', message: /Required value/ }],
    ['scale spec path outside spec', (c) => (v0(c).subresources!.scale!.specReplicasPath = '.status.replicas'), { field: 'spec.versions[0].subresources.scale.specReplicasPath', message: /should be a json path under .spec/ }],
    ['scale missing status path', (c) => delete v0(c).subresources!.scale!.statusReplicasPath, { field: 'spec.versions[0].subresources.scale.statusReplicasPath', message: /Required value/ }],
  ];

  it.each(cases)('%s', (_name, mut, expected) => {
    const causes = causesOf(mut);
    expect(causes).toEqual(expect.arrayContaining([expect.objectContaining({ field: expected.field, message: expect.stringMatching(expected.message) })]));
  });

  it('throws a 422 Invalid naming the CRD with every cause', () => {
    const crd = widgetCrd();
    spec(crd).scope = 'Global';
    spec(crd).conversion = { strategy: 'Webhook' };
    let err: unknown;
    try {
      validateCrd(defaultCrd(crd));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KubeStatusError);
    const body = (err as KubeStatusError).status;
    expect(body.code).toBe(422);
    expect(body.reason).toBe('Invalid');
    expect(body.details).toMatchObject({ name: 'widgets.example.com', group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' });
    expect(body.details!.causes).toHaveLength(2);
    expect(body.message).toContain('CustomResourceDefinition "widgets.example.com" is invalid: [spec.scope: Unsupported value');
  });

  it('hands each version schema to schemaCauses', () => {
    const seen: string[] = [];
    const causes = crdValidationCauses(defaultCrd(widgetCrd()), {
      schemaCauses: (v, _s, p) => {
        seen.push(v.name!);
        return v.name === 'v1beta1' ? [{ field: `${p}.schema.openAPIV3Schema.type`, message: 'Required value: must not be empty at the root' }] : [];
      },
    });
    expect(seen).toEqual(['v1', 'v1beta1', 'v1alpha1']);
    expect(causes).toEqual([{ field: 'spec.versions[1].schema.openAPIV3Schema.type', message: 'Required value: must not be empty at the root' }]);
  });

  describe('on update', () => {
    const established = () => {
      const old = defaultCrd(widgetCrd());
      old.status = { conditions: [{ type: 'Established', status: 'True' }], storedVersions: ['v1', 'v1beta1'] };
      return old;
    };
    const upd: [string, Mut, string, RegExp][] = [
      ['group', (c) => { spec(c).group = 'other.com'; c.metadata!.name = 'widgets.other.com'; }, 'spec.group', /field is immutable/],
      ['plural', (c) => { spec(c).names!.plural = 'widgetz'; c.metadata!.name = 'widgetz.example.com'; }, 'spec.names.plural', /field is immutable/],
      ['scope', (c) => (spec(c).scope = 'Cluster'), 'spec.scope', /field is immutable/],
      ['kind', (c) => { spec(c).names!.kind = 'Widge'; spec(c).names!.listKind = 'WidgeList'; }, 'spec.names.kind', /field is immutable/],
      ['stored version removed', (c) => spec(c).versions!.splice(1, 1), 'status.storedVersions[1]', /must appear in spec.versions/],
    ];
    it.each(upd)('%s', (_n, mut, field, msg) => {
      expect(causesOf(mut, established())).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringMatching(msg) })]));
    });
    it('allows adding a version and changing served', () => {
      expect(causesOf((c) => { spec(c).versions![1].served = false; spec(c).versions!.push({ name: 'v2', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object' } } }); }, established())).toEqual([]);
    });
    it('allows changing scope before the CRD is established', () => {
      const old = defaultCrd(widgetCrd());
      expect(causesOf((c) => (spec(c).scope = 'Cluster'), old)).toEqual([]);
    });
  });
});
