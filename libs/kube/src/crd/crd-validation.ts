import { fieldDuplicate, fieldForbidden, fieldInvalid, fieldRequired } from '../meta/field-errors';
import { dns1123SubdomainErrors } from '../selectors/label-rules';
import { invalid, InvalidCause } from '../status';
import { parseSimplePath, toJsonPathPlus } from './crd-jsonpath';
import {
  CRD_GROUP,
  CRD_KIND,
  CrdPrinterColumn,
  CrdSelectableField,
  CrdVersion,
  CustomResourceDefinition,
  JsonSchema,
  MAX_SELECTABLE_FIELDS,
  PRINTER_COLUMN_FORMATS,
  PRINTER_COLUMN_TYPES,
} from './crd.types';

// CRD validation and defaulting, after apiextensions-apiserver's
// pkg/apis/apiextensions/validation (kubernetes-api.md §13 K1, K8-K12).
// Structural-schema checks live elsewhere and plug in through `schemaCauses`.

const DNS1035_RE = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/** utilvalidation.IsDNS1035Label. */
export function dns1035LabelErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1035_RE.test(value)) errs.push(DNS1035_MSG);
  return errs;
}

function quoteAll(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

function fieldNotSupported(field: string, value: unknown, supported: readonly string[]): InvalidCause {
  return { reason: 'FieldValueNotSupported', field, message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${quoteAll(supported)}` };
}

function fieldTooMany(field: string, actual: number, max: number): InvalidCause {
  return { reason: 'FieldValueTooMany', field, message: `Too many: ${actual}: must have at most ${max} items` };
}

/** Extra causes for one version's schema, e.g. structural-schema violations (field paths are absolute). */
export type CrdSchemaCauses = (version: CrdVersion, schema: JsonSchema, versionPath: string) => InvalidCause[];

export interface ValidateCrdOptions {
  /** The stored CRD on update; absent on create. */
  existing?: CustomResourceDefinition;
  /** Other CRDs (not consulted for validation today; name clashes go to status, §13 K2). */
  others?: readonly CustomResourceDefinition[];
  schemaCauses?: CrdSchemaCauses;
}

/**
 * Fills `listKind`, `singular`, `conversion` and per-version empty lists, like
 * the v1 defaulting of the apiserver. Returns a copy.
 */
export function defaultCrd(crd: CustomResourceDefinition): CustomResourceDefinition {
  const out: CustomResourceDefinition = structuredClone(crd);
  out.apiVersion ??= `${CRD_GROUP}/v1`;
  out.kind ??= CRD_KIND;
  const spec = (out.spec ??= {});
  const names = (spec.names ??= {});
  if (names.kind && !names.listKind) names.listKind = `${names.kind}List`;
  if (names.kind && !names.singular) names.singular = names.kind.toLowerCase();
  spec.conversion = spec.conversion?.strategy ? spec.conversion : { ...(spec.conversion ?? {}), strategy: 'None' };
  return out;
}

function validateNames(crd: CustomResourceDefinition, causes: InvalidCause[]): void {
  const names = crd.spec?.names ?? {};
  const p = 'spec.names';
  const label = (field: string, v: string | undefined, mixedCase = false) => {
    if (!v) return;
    const errs = dns1035LabelErrors(mixedCase ? v.toLowerCase() : v);
    if (errs.length) causes.push(fieldInvalid(field, v, (mixedCase ? 'may have mixed case, but should otherwise match: ' : '') + errs.join(',')));
  };
  if (!names.plural) causes.push(fieldRequired(`${p}.plural`));
  if (!names.singular) causes.push(fieldRequired(`${p}.singular`));
  if (!names.kind) causes.push(fieldRequired(`${p}.kind`));
  if (!names.listKind) causes.push(fieldRequired(`${p}.listKind`));
  label(`${p}.plural`, names.plural);
  label(`${p}.singular`, names.singular);
  label(`${p}.kind`, names.kind, true);
  label(`${p}.listKind`, names.listKind, true);
  (names.shortNames ?? []).forEach((s, i) => label(`${p}.shortNames[${i}]`, s));
  (names.categories ?? []).forEach((s, i) => label(`${p}.categories[${i}]`, s));
  if (names.kind && names.kind === names.listKind) causes.push(fieldInvalid(`${p}.listKind`, names.listKind, 'kind and listKind may not be the same'));
}

/** Simple JSONPath check shared by printer columns, selectable fields and scale paths. */
function simplePathCauses(field: string, path: string): InvalidCause[] {
  if (!path.startsWith('.')) return [fieldInvalid(field, path, 'must be a simple json path starting with .')];
  try {
    toJsonPathPlus(path);
  } catch (e) {
    return [fieldInvalid(field, path, `is an invalid path: ${(e as Error).message}`)];
  }
  return [];
}

function schemaAt(schema: JsonSchema | undefined, segs: readonly string[]): { found: boolean; schema?: JsonSchema } {
  let cur = schema;
  for (const s of segs) {
    if (!cur) return { found: true };
    if (cur['x-kubernetes-preserve-unknown-fields'] === true && !(cur.properties as Record<string, JsonSchema> | undefined)?.[s]) return { found: true };
    const props = cur.properties as Record<string, JsonSchema> | undefined;
    const next = props?.[s] ?? (typeof cur.additionalProperties === 'object' ? (cur.additionalProperties as JsonSchema) : undefined);
    if (!next) return { found: false };
    cur = next;
  }
  return { found: true, schema: cur };
}

function validateSelectableFields(list: CrdSelectableField[], schema: JsonSchema | undefined, p: string, causes: InvalidCause[]): void {
  const unique = new Set<string>();
  list.forEach((f, i) => {
    const field = `${p}[${i}].jsonPath`;
    const path = f.jsonPath;
    if (!path) {
      causes.push(fieldRequired(field));
      return;
    }
    const segs = parseSimplePath(path);
    if (!segs) {
      causes.push(fieldInvalid(field, path, 'is an invalid path: must be a simple json path starting with . and without array steps'));
      return;
    }
    if (segs[0] === 'metadata') causes.push(fieldInvalid(field, path, 'must not point to fields in metadata'));
    else {
      const at = schemaAt(schema, segs);
      if (!at.found) causes.push(fieldInvalid(field, path, 'is an invalid path: does not refer to a valid field'));
      else if (at.schema && !['string', 'boolean', 'integer'].includes(at.schema.type as string)) {
        causes.push(fieldInvalid(field, path, 'must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.'));
      }
    }
    const key = segs.join('.');
    if (unique.has(key)) causes.push(fieldDuplicate(field, path));
    unique.add(key);
  });
  if (unique.size > MAX_SELECTABLE_FIELDS) causes.push(fieldTooMany(p, unique.size, MAX_SELECTABLE_FIELDS));
}

function validateColumns(cols: CrdPrinterColumn[], p: string, causes: InvalidCause[]): void {
  cols.forEach((c, i) => {
    const f = `${p}[${i}]`;
    if (!c.name) causes.push(fieldRequired(`${f}.name`));
    if (!c.type) causes.push(fieldRequired(`${f}.type`, `must be one of ${[...PRINTER_COLUMN_TYPES].sort().join(',')}`));
    else if (!(PRINTER_COLUMN_TYPES as readonly string[]).includes(c.type)) causes.push(fieldNotSupported(`${f}.type`, c.type, [...PRINTER_COLUMN_TYPES].sort()));
    if (c.format && !(PRINTER_COLUMN_FORMATS as readonly string[]).includes(c.format)) {
      causes.push(fieldNotSupported(`${f}.format`, c.format, [...PRINTER_COLUMN_FORMATS].sort()));
    }
    if (c.priority !== undefined && (!Number.isInteger(c.priority) || c.priority < 0)) causes.push(fieldInvalid(`${f}.priority`, c.priority, 'must be a non-negative integer'));
    if (!c.jsonPath) causes.push(fieldRequired(`${f}.jsonPath`));
    else causes.push(...simplePathCauses(`${f}.jsonPath`, c.jsonPath));
  });
}

function validateScale(v: CrdVersion, p: string, causes: InvalidCause[]): void {
  const scale = v.subresources?.scale;
  if (!scale) return;
  const check = (name: 'specReplicasPath' | 'statusReplicasPath' | 'labelSelectorPath', prefixes: string[], msg: string, required: boolean) => {
    const val = scale[name];
    const field = `${p}.subresources.scale.${name}`;
    if (!val) {
      if (required) causes.push(fieldRequired(field));
      return;
    }
    const errs = simplePathCauses(field, val);
    if (errs.length) causes.push(...errs);
    else if (!parseSimplePath(val)) causes.push(fieldInvalid(field, val, 'is an invalid path: must be a simple json path without array steps'));
    else if (!prefixes.some((x) => val.startsWith(x))) causes.push(fieldInvalid(field, val, msg));
  };
  check('specReplicasPath', ['.spec.'], 'should be a json path under .spec', true);
  check('statusReplicasPath', ['.status.'], 'should be a json path under .status', true);
  check('labelSelectorPath', ['.spec.', '.status.'], 'should be a json path under either .spec or .status', false);
}

function validateVersions(crd: CustomResourceDefinition, opts: ValidateCrdOptions, causes: InvalidCause[]): void {
  const versions = crd.spec?.versions ?? [];
  if (versions.length === 0) {
    causes.push(fieldRequired('spec.versions', 'must have exactly one version marked as storage version'));
    return;
  }
  const seen = new Set<string>();
  let unique = true;
  let storage = 0;
  let served = 0;
  versions.forEach((v, i) => {
    const p = `spec.versions[${i}]`;
    if (v.storage) storage++;
    if (v.served) served++;
    if (!v.name) causes.push(fieldRequired(`${p}.name`));
    else {
      if (seen.has(v.name)) unique = false;
      seen.add(v.name);
      const errs = dns1035LabelErrors(v.name);
      if (errs.length) causes.push(fieldInvalid(`${p}.name`, v.name, errs.join(',')));
    }
    const schema = v.schema?.openAPIV3Schema;
    if (!schema || typeof schema !== 'object') causes.push(fieldRequired(`${p}.schema.openAPIV3Schema`, 'schemas are required'));
    else if (opts.schemaCauses) causes.push(...opts.schemaCauses(v, schema, p));
    if (v.subresources?.status !== undefined && (v.subresources.status === null || typeof v.subresources.status !== 'object')) {
      causes.push(fieldInvalid(`${p}.subresources.status`, v.subresources.status, 'must be an object'));
    }
    validateScale(v, p, causes);
    validateColumns(v.additionalPrinterColumns ?? [], `${p}.additionalPrinterColumns`, causes);
    validateSelectableFields(v.selectableFields ?? [], schema, `${p}.selectableFields`, causes);
  });
  if (!unique) causes.push(fieldInvalid('spec.versions', versions.map((v) => v.name), 'must contain unique version names'));
  if (storage !== 1) causes.push(fieldInvalid('spec.versions', versions.map((v) => v.name), 'must have exactly one version marked as storage version'));
  if (served === 0) causes.push(fieldInvalid('spec.versions', versions.map((v) => v.name), 'must have at least one version marked as served'));
}

function isEstablished(crd: CustomResourceDefinition | undefined): boolean {
  return (crd?.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
}

function validateUpdate(crd: CustomResourceDefinition, old: CustomResourceDefinition, causes: InvalidCause[]): void {
  const immutable = (field: string, a: unknown, b: unknown) => {
    if (a !== b) causes.push(fieldInvalid(field, a, 'field is immutable'));
  };
  immutable('spec.group', crd.spec?.group, old.spec?.group);
  immutable('spec.names.plural', crd.spec?.names?.plural, old.spec?.names?.plural);
  if (isEstablished(old)) {
    immutable('spec.scope', crd.spec?.scope, old.spec?.scope);
    immutable('spec.names.kind', crd.spec?.names?.kind, old.spec?.names?.kind);
  }
  const names = new Set((crd.spec?.versions ?? []).map((v) => v.name));
  const stored = crd.status?.storedVersions ?? old.status?.storedVersions ?? [];
  stored.forEach((sv, i) => {
    if (!names.has(sv)) causes.push(fieldInvalid(`status.storedVersions[${i}]`, sv, 'must appear in spec.versions'));
  });
}

/**
 * Every problem with `crd` (already defaulted with `defaultCrd`), as causes.
 * Use `validateCrd` to throw the 422.
 */
export function crdValidationCauses(crd: CustomResourceDefinition, opts: ValidateCrdOptions = {}): InvalidCause[] {
  const causes: InvalidCause[] = [];
  const spec = crd.spec ?? {};
  const group = spec.group;
  const plural = spec.names?.plural;
  const name = crd.metadata?.name ?? '';
  if (name !== `${plural ?? ''}.${group ?? ''}`) causes.push(fieldInvalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));

  if (!group) causes.push(fieldRequired('spec.group'));
  else {
    const errs = dns1123SubdomainErrors(group);
    if (errs.length) causes.push(fieldInvalid('spec.group', group, errs.join(',')));
    else if (group.split('.').length < 2) causes.push(fieldInvalid('spec.group', group, 'should be a domain with at least one dot'));
  }

  if (!spec.scope) causes.push(fieldRequired('spec.scope'));
  else if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') causes.push(fieldNotSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));

  validateNames(crd, causes);
  validateVersions(crd, opts, causes);

  const strategy = spec.conversion?.strategy;
  if (strategy === 'Webhook') causes.push(fieldForbidden('spec.conversion.strategy', 'conversion webhooks are not supported'));
  else if (strategy !== undefined && strategy !== 'None') causes.push(fieldNotSupported('spec.conversion.strategy', strategy, ['None', 'Webhook']));
  else if (spec.conversion?.webhook !== undefined) causes.push(fieldForbidden('spec.conversion.webhook', 'should not be set when strategy is not set to Webhook'));

  if (spec.preserveUnknownFields === true) {
    causes.push(fieldInvalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
  }

  if (opts.existing) validateUpdate(crd, opts.existing, causes);
  return causes;
}

/** Throws 422 Invalid (kind CustomResourceDefinition) with one cause per problem. */
export function validateCrd(crd: CustomResourceDefinition, opts: ValidateCrdOptions = {}): void {
  const causes = crdValidationCauses(crd, opts);
  if (causes.length) throw invalid(CRD_KIND, CRD_GROUP, crd.metadata?.name ?? '', causes);
}
