import { InvalidCause } from '../status';
import { toAjvSchema } from './ajv-schema';
import { ajvErrorsToCauses, fieldErr } from './field-errors';
import { sharedAjv } from './k8s-formats';
import { pruneInPlace } from './prune';
import { JSONSchemaProps, isPlainObject } from './crd-schema.types';

// Structural-schema rules of apiextensions-apiserver (pkg/apis/apiextensions/validation and
// pkg/apiserver/schema/validation.go), kubernetes-api.md §13 K4. Causes use the apiserver's field
// paths (`...openAPIV3Schema.properties[spec].type`) and wording.

type Level = 'root' | 'item' | 'field';

const UNSUPPORTED: Record<string, string> = {
  $ref: '$ref is not supported',
  $schema: '$schema is not supported',
  id: 'id is not supported',
  definitions: 'definitions is not supported',
  dependencies: 'dependencies is not supported',
  patternProperties: 'patternProperties is not supported',
  additionalItems: 'additionalItems is not supported',
};

const JUNCTORS = ['allOf', 'anyOf', 'oneOf'] as const;
const LIST_TYPES = ['atomic', 'set', 'map'];
const SCALAR_TYPES = new Set(['string', 'integer', 'number', 'boolean']);

const prop = (path: string, k: string) => `${path}.properties[${k}]`;

/** Field-path prefix of a CRD version's schema: v1 (`spec.versions[i]...`) or v1beta1 top-level. */
export function crdSchemaFieldPrefix(versionIndex?: number): string {
  return versionIndex === undefined ? 'spec.validation.openAPIV3Schema' : `spec.versions[${versionIndex}].schema.openAPIV3Schema`;
}

/**
 * Every structural-schema violation of `schema` (empty when structural). A CRD whose schema yields
 * causes is refused with 422 Invalid on create and update.
 */
export function structuralSchemaCauses(schema: unknown, fieldPrefix = 'spec.validation.openAPIV3Schema'): InvalidCause[] {
  const out: InvalidCause[] = [];
  if (!isPlainObject(schema)) {
    out.push(fieldErr.required(fieldPrefix, 'must not be empty'));
    return out;
  }
  walk(schema as JSONSchemaProps, 'root', fieldPrefix, out);
  return out;
}

function isIntOrStringAnyOf(list: unknown): boolean {
  if (!Array.isArray(list) || list.length !== 2) return false;
  const [a, b] = list as JSONSchemaProps[];
  return isPlainObject(a) && isPlainObject(b) && a.type === 'integer' && b.type === 'string';
}

function walk(s: JSONSchemaProps, lvl: Level, path: string, out: InvalidCause[]): void {
  for (const [k, msg] of Object.entries(UNSUPPORTED)) if (s[k] !== undefined) out.push(fieldErr.forbidden(`${path}.${k}`, msg));

  const type = typeof s.type === 'string' ? s.type : '';
  const puf = s['x-kubernetes-preserve-unknown-fields'];
  const ios = s['x-kubernetes-int-or-string'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  const props = isPlainObject(s.properties) ? s.properties : undefined;

  if (puf === false) out.push(fieldErr.invalid(`${path}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
  if (s.uniqueItems === true) {
    out.push(fieldErr.forbidden(`${path}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  }
  if (s.additionalProperties !== undefined) {
    if (s.additionalProperties === false) out.push(fieldErr.forbidden(`${path}.additionalProperties`, 'additionalProperties cannot be set to false'));
    else if (props && Object.keys(props).length > 0) {
      out.push(fieldErr.forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
    }
  }
  if (ios) {
    if (type !== '') out.push(fieldErr.invalid(`${path}.type`, type, 'must be empty if x-kubernetes-int-or-string is true'));
    if (puf === true) out.push(fieldErr.invalid(`${path}.x-kubernetes-preserve-unknown-fields`, true, 'must be false if x-kubernetes-int-or-string is true'));
    if (embedded) out.push(fieldErr.invalid(`${path}.x-kubernetes-embedded-resource`, true, 'must be false if x-kubernetes-int-or-string is true'));
  }

  // type
  if (embedded && type !== 'object') {
    if (type === '') out.push(fieldErr.required(`${path}.type`, 'must be object if x-kubernetes-embedded-resource is true'));
    else out.push(fieldErr.invalid(`${path}.type`, type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (type === '' && !ios && puf !== true) {
    const where = lvl === 'root' ? 'at the root' : lvl === 'item' ? 'for specified array items' : 'for specified object fields';
    out.push(fieldErr.required(`${path}.type`, `must not be empty ${where}`));
  } else if (lvl === 'root' && type !== '' && type !== 'object') {
    out.push(fieldErr.invalid(`${path}.type`, type, 'must be object at the root'));
  }
  if (embedded && puf !== true && (!props || Object.keys(props).length === 0)) {
    out.push(
      fieldErr.required(`${path}.properties`, 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'),
    );
  }
  if (lvl === 'root') {
    if (s.nullable === true) out.push(fieldErr.forbidden(`${path}.nullable`, 'must be false at the root'));
    if (embedded) out.push(fieldErr.forbidden(`${path}.x-kubernetes-embedded-resource`, 'must be false at the root'));
    if (ios) out.push(fieldErr.forbidden(`${path}.x-kubernetes-int-or-string`, 'must be false at the root'));
    if (s.default !== undefined) out.push(fieldErr.forbidden(`${path}.default`, 'must not be set at the root'));
  }

  // apiVersion, kind, metadata of the root and of embedded resources
  if ((lvl === 'root' || embedded) && props) checkResourceMetaProps(props, lvl === 'root', path, out);

  // arrays
  if (Array.isArray(s.items)) out.push(fieldErr.forbidden(`${path}.items`, 'items must be a schema object and not an array'));
  else if (type === 'array' && !isPlainObject(s.items)) out.push(fieldErr.required(`${path}.items`, 'must be specified'));
  checkListType(s, type, path, out);

  // children
  if (props) for (const [k, v] of Object.entries(props)) if (isPlainObject(v)) walk(v, 'field', prop(path, k), out);
  if (isPlainObject(s.items)) walk(s.items, 'item', `${path}.items`, out);
  if (isPlainObject(s.additionalProperties)) walk(s.additionalProperties as JSONSchemaProps, 'field', `${path}.additionalProperties`, out);

  // value validations (junctors)
  for (const j of JUNCTORS) {
    const list = s[j];
    if (!Array.isArray(list)) continue;
    list.forEach((sub: unknown, i: number) => {
      if (!isPlainObject(sub)) return;
      const skipTypes = ios && ((j === 'anyOf' && isIntOrStringAnyOf(list)) || (j === 'allOf' && i === 0 && isIntOrStringAnyOf(sub.anyOf)));
      checkJunctor(sub as JSONSchemaProps, s, `${path}.${j}[${i}]`, path, skipTypes, out);
    });
  }
  if (isPlainObject(s.not)) checkJunctor(s.not, s, `${path}.not`, path, false, out);

  if (s.default !== undefined && lvl !== 'root') checkDefault(s, path, out);
}

function checkResourceMetaProps(props: Record<string, JSONSchemaProps>, root: boolean, path: string, out: InvalidCause[]): void {
  for (const k of ['apiVersion', 'kind']) {
    const p = props[k];
    if (isPlainObject(p) && typeof p.type === 'string' && p.type !== 'string') out.push(fieldErr.invalid(`${prop(path, k)}.type`, p.type, 'must be string'));
  }
  const meta = props.metadata;
  if (!isPlainObject(meta)) return;
  if (meta.type !== 'object') {
    if (!meta.type) out.push(fieldErr.required(`${prop(path, 'metadata')}.type`, 'must be object if specified'));
    else out.push(fieldErr.invalid(`${prop(path, 'metadata')}.type`, meta.type, 'must be object'));
  }
  if (!root) return;
  const allowed = new Set(['type', 'description', 'title', 'properties']);
  const extraKeys = Object.keys(meta).filter((k) => !allowed.has(k));
  const extraProps = Object.keys(meta.properties ?? {}).filter((k) => k !== 'name' && k !== 'generateName');
  if (extraKeys.length > 0 || extraProps.length > 0) {
    out.push(
      fieldErr.forbidden(prop(path, 'metadata'), 'must not specify anything other than name and generateName, but metadata is implicitly specified'),
    );
  }
}

function checkListType(s: JSONSchemaProps, type: string, path: string, out: InvalidCause[]): void {
  const lt = s['x-kubernetes-list-type'];
  const keys = s['x-kubernetes-list-map-keys'];
  const ltPath = `${path}.x-kubernetes-list-type`;
  if (lt !== undefined && !LIST_TYPES.includes(lt)) {
    out.push({ reason: 'FieldValueNotSupported', field: ltPath, message: `Unsupported value: ${JSON.stringify(lt)}: supported values: "atomic", "map", "set"` });
  }
  if (lt !== undefined && type !== 'array') out.push(fieldErr.invalid(ltPath, lt, 'must only be used on type=array'));
  if (Array.isArray(keys) && keys.length > 0) {
    if (lt === undefined) out.push(fieldErr.required(ltPath, 'must be map if x-kubernetes-list-map-keys is non-empty'));
    else if (lt !== 'map') out.push(fieldErr.invalid(ltPath, lt, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  const items = isPlainObject(s.items) ? (s.items as JSONSchemaProps) : undefined;
  if (lt === 'map') {
    const keysPath = `${path}.x-kubernetes-list-map-keys`;
    if (!Array.isArray(keys) || keys.length === 0) out.push(fieldErr.required(keysPath, 'must not be empty if x-kubernetes-list-type is map'));
    if (!items) out.push(fieldErr.required(`${path}.items`, 'must have a schema if x-kubernetes-list-type is map'));
    else if (items.type !== 'object') {
      out.push(fieldErr.invalid(`${path}.items.type`, items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    } else if (Array.isArray(keys)) {
      const required = new Set(items.required ?? []);
      for (const k of keys) {
        const ks = items.properties?.[k];
        if (!isPlainObject(ks)) {
          out.push(fieldErr.invalid(keysPath, keys, 'entries must all be names of item properties'));
          break;
        }
        if (!SCALAR_TYPES.has(String(ks.type)) && ks['x-kubernetes-int-or-string'] !== true) {
          out.push(fieldErr.invalid(`${path}.items.properties[${k}].type`, ks.type ?? '', 'must be a scalar type if parent array\'s x-kubernetes-list-type is map'));
        }
        if (!required.has(k) && ks.default === undefined) {
          out.push(fieldErr.invalid(keysPath, keys, 'entries must all be names of required properties or have a default'));
          break;
        }
      }
    }
  }
  if (lt === 'set' && items && (items.type === 'object' || items.type === 'array') && items['x-kubernetes-map-type'] !== 'atomic' && items['x-kubernetes-list-type'] !== 'atomic') {
    out.push(fieldErr.invalid(`${path}.items.x-kubernetes-map-type`, items['x-kubernetes-map-type'] ?? '', 'must be atomic as item of a list with x-kubernetes-list-type=set'));
  }
}

const NESTED_FORBIDDEN: Array<[string, string]> = [
  ['type', 'must be empty to be structural'],
  ['additionalProperties', 'must be undefined to be structural'],
  ['default', 'must be undefined to be structural'],
  ['title', 'must be empty to be structural'],
  ['description', 'must be empty to be structural'],
  ['nullable', 'must be false to be structural'],
  ['x-kubernetes-preserve-unknown-fields', 'must be false to be structural'],
  ['x-kubernetes-embedded-resource', 'must be false to be structural'],
  ['x-kubernetes-int-or-string', 'must be false to be structural'],
  ['x-kubernetes-list-map-keys', 'must be empty to be structural'],
  ['x-kubernetes-list-type', 'must be undefined to be structural'],
  ['x-kubernetes-map-type', 'must be undefined to be structural'],
];

/** A junctor branch may only hold value validations, over properties/items the structural part declares. */
function checkJunctor(v: JSONSchemaProps, structural: JSONSchemaProps | undefined, vPath: string, sPath: string, skipType: boolean, out: InvalidCause[]): void {
  for (const [k, msg] of NESTED_FORBIDDEN) {
    const val = v[k];
    if (val === undefined || val === false || val === '' || (k === 'type' && skipType)) continue;
    if (Array.isArray(val) && val.length === 0) continue;
    out.push(fieldErr.forbidden(`${vPath}.${k}`, msg));
  }
  for (const [k, msg] of Object.entries(UNSUPPORTED)) if (v[k] !== undefined) out.push(fieldErr.forbidden(`${vPath}.${k}`, msg));
  if (isPlainObject(v.properties)) {
    for (const [k, sub] of Object.entries(v.properties)) {
      const ss = structural?.properties?.[k];
      if (!isPlainObject(ss) && structural?.['x-kubernetes-preserve-unknown-fields'] !== true) {
        out.push(fieldErr.required(prop(sPath, k), `because it is defined in ${prop(vPath, k)}`));
        continue;
      }
      if (isPlainObject(sub)) checkJunctor(sub, isPlainObject(ss) ? ss : undefined, prop(vPath, k), prop(sPath, k), false, out);
    }
  }
  if (isPlainObject(v.items)) {
    const si = isPlainObject(structural?.items) ? (structural?.items as JSONSchemaProps) : undefined;
    if (!si) out.push(fieldErr.required(`${sPath}.items`, `because it is defined in ${vPath}.items`));
    else checkJunctor(v.items, si, `${vPath}.items`, `${sPath}.items`, false, out);
  }
  for (const j of JUNCTORS) {
    const list = v[j];
    if (!Array.isArray(list)) continue;
    // allOf[0] of an int-or-string node may hold the `anyOf: [integer, string]` pattern.
    const skip = skipType && j === 'anyOf' && isIntOrStringAnyOf(list);
    list.forEach((sub: unknown, i: number) => isPlainObject(sub) && checkJunctor(sub, structural, `${vPath}.${j}[${i}]`, sPath, skip, out));
  }
  if (isPlainObject(v.not)) checkJunctor(v.not, structural, `${vPath}.not`, sPath, false, out);
}

/** A default must validate against its own node and survive pruning unchanged. */
function checkDefault(s: JSONSchemaProps, path: string, out: InvalidCause[]): void {
  const defPath = `${path}.default`;
  let causes: InvalidCause[] = [];
  try {
    const ajv = sharedAjv();
    const converted = toAjvSchema(s);
    const check = ajv.compile(converted);
    if (typeof converted === 'object') ajv.removeSchema(converted);
    if (!check(s.default)) causes = ajvErrorsToCauses(check.errors, s.default);
  } catch {
    return; // an uncompilable node is reported by its own rule
  }
  for (const c of causes) out.push({ ...c, field: c.field ? `${defPath}.${c.field}` : defPath, message: c.message.replace(/<root> in body/, `${defPath} in body`) });
  if (isPlainObject(s.default) && s['x-kubernetes-preserve-unknown-fields'] !== true) {
    const copy = structuredClone(s.default);
    const unknown: string[] = [];
    // Prune as a non-root node so apiVersion/kind/metadata are only kept for embedded resources.
    const wrapper = { type: 'object', properties: { d: s } } as JSONSchemaProps;
    const holder = { d: copy };
    unknown.push(...pruneInPlace(holder, wrapper).filter((p) => p.startsWith('d.')));
    for (const u of unknown) out.push(fieldErr.invalid(`${defPath}.${u.slice(2)}`, '', 'must not have unknown fields'));
  }
}
