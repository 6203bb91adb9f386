import { ResourceType, STANDARD_VERBS, Subresource } from '../resources/resource-type';
import { getAtPath, parseSimplePath } from './crd-jsonpath';
import { isCrdServing } from './crd-status';
import { CrdNames, CrdPrinterColumn, CrdVersion, CustomResourceDefinition, JsonSchema } from './crd.types';

// What a served CRD version contributes to the API: a ResourceType for
// discovery, routing and selectors, plus the CRD-only bits (printer columns,
// selectable fields, scale paths) bundled as CustomResourceInfo (§13 K3, K8, K9, K12).

type Obj = Record<string, unknown>;

export interface CustomResourceScale {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface CustomResourceInfo {
  rt: ResourceType;
  crd: CustomResourceDefinition;
  version: CrdVersion;
  printerColumns: CrdPrinterColumn[];
  /** `name` is the selector name (`spec.size`), `jsonPath` the CRD's (`.spec.size`). */
  selectableFields: { name: string; jsonPath: string }[];
  /**
   * Present when the version declares the scale subresource (then `rt.subresources` lists `scale`).
   */
  scale?: CustomResourceScale;
  hasStatus: boolean;
  /** The version's openAPIV3Schema, for the validation/pruning/defaulting code. */
  schema?: JsonSchema;
}

/** The named version of a CRD, if declared. */
export function crdVersionOf(crd: CustomResourceDefinition, version: string): CrdVersion | undefined {
  return (crd.spec?.versions ?? []).find((v) => v.name === version);
}

/** The storage version's name. */
export function crdStorageVersion(crd: CustomResourceDefinition): string | undefined {
  return (crd.spec?.versions ?? []).find((v) => v.storage)?.name;
}

/** Accepted names (what is served), falling back to the spec's with defaults. */
function servedNames(crd: CustomResourceDefinition): Required<Pick<CrdNames, 'plural' | 'singular' | 'kind' | 'listKind'>> & CrdNames {
  const acc = crd.status?.acceptedNames;
  const n = acc?.plural && acc.kind ? acc : (crd.spec?.names ?? {});
  const kind = n.kind ?? '';
  return {
    ...n,
    plural: n.plural ?? '',
    kind,
    singular: n.singular || kind.toLowerCase(),
    listKind: n.listKind || `${kind}List`,
  };
}

function selectableFieldsOf(v: CrdVersion): { name: string; jsonPath: string }[] {
  const out: { name: string; jsonPath: string }[] = [];
  for (const f of v.selectableFields ?? []) {
    if (!f.jsonPath) continue;
    const segs = parseSimplePath(f.jsonPath);
    out.push({ name: segs ? segs.join('.') : f.jsonPath.replace(/^\./, ''), jsonPath: f.jsonPath });
  }
  return out;
}

function resourceTypeOf(crd: CustomResourceDefinition, v: CrdVersion): ResourceType {
  const n = servedNames(crd);
  const subresources: Subresource[] = [];
  if (v.subresources?.status) subresources.push('status');
  if (v.subresources?.scale?.specReplicasPath && v.subresources.scale.statusReplicasPath) subresources.push('scale');
  return {
    group: crd.spec?.group ?? '',
    version: v.name ?? '',
    resource: n.plural,
    singular: n.singular,
    kind: n.kind,
    listKind: n.listKind,
    namespaced: crd.spec?.scope !== 'Cluster',
    shortNames: [...(n.shortNames ?? [])],
    categories: [...(n.categories ?? [])],
    verbs: [...STANDARD_VERBS],
    subresources,
    nameRule: 'dns1123-subdomain',
    tracksGeneration: true,
    fieldSelectors: selectableFieldsOf(v).map((f) => f.name),
  };
}

/** CustomResourceInfo for one version (served or not; callers check `served`). */
export function customResourceInfo(crd: CustomResourceDefinition, version: string): CustomResourceInfo | undefined {
  const v = crdVersionOf(crd, version);
  if (!v) return undefined;
  const scale = v.subresources?.scale;
  const info: CustomResourceInfo = {
    rt: resourceTypeOf(crd, v),
    crd,
    version: v,
    printerColumns: [...(v.additionalPrinterColumns ?? [])],
    selectableFields: selectableFieldsOf(v),
    hasStatus: !!v.subresources?.status,
  };
  if (v.schema?.openAPIV3Schema) info.schema = v.schema.openAPIV3Schema;
  if (scale?.specReplicasPath && scale.statusReplicasPath) {
    info.scale = { specReplicasPath: scale.specReplicasPath, statusReplicasPath: scale.statusReplicasPath };
    if (scale.labelSelectorPath) info.scale.labelSelectorPath = scale.labelSelectorPath;
  }
  return info;
}

/** One CustomResourceInfo per served version; empty unless the CRD is serving (Established, names accepted). */
export function customResourceInfos(crd: CustomResourceDefinition): CustomResourceInfo[] {
  if (!isCrdServing(crd)) return [];
  return (crd.spec?.versions ?? []).filter((v) => v.served && v.name).map((v) => customResourceInfo(crd, v.name!)!);
}

/** One ResourceType per served version of an Established CRD with accepted names. */
export function resourceTypesFromCrd(crd: CustomResourceDefinition): ResourceType[] {
  return customResourceInfos(crd).map((i) => i.rt);
}

function fieldString(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

/** Values of the CRD's selectable fields (§8 S5): missing reads as "", numbers and booleans as strings. */
export function customFieldValuesOf(info: CustomResourceInfo, obj: Obj): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of info.selectableFields) {
    const segs = parseSimplePath(f.jsonPath);
    out[f.name] = segs ? fieldString(getAtPath(obj, segs)) : '';
  }
  return out;
}

/** Conversion strategy None (§13 K10): the stored object with only apiVersion rewritten. */
export function convertForVersion<T extends Obj>(obj: T, info: Pick<CustomResourceInfo, 'rt'>): T {
  return { ...obj, apiVersion: `${info.rt.group}/${info.rt.version}` };
}

/** Selector name to path segments (`{"spec.size": ["spec", "size"]}`), for stores that index selectable fields. */
export function customFieldPathsOf(info: Pick<CustomResourceInfo, 'selectableFields'>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of info.selectableFields) {
    const segs = parseSimplePath(f.jsonPath);
    if (segs) out[f.name] = segs;
  }
  return out;
}
