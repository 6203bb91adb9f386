import { KNOWN_FORMATS } from './k8s-formats';
import { JSONSchemaProps, isPlainObject } from './crd-schema.types';

// OpenAPI v3 (apiextensions flavour) -> JSON Schema draft-07 as ajv reads it, following
// apiextensions-apiserver's ConvertJSONSchemaPropsWithPostProcess: int-or-string becomes
// `type: [integer, string]`, nullable adds `null`, exclusive bounds become numeric, unknown
// formats and every vendor extension are dropped.

const COPY = [
  'maximum',
  'minimum',
  'multipleOf',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
] as const;

export type AjvSchema = Record<string, unknown>;

export function toAjvSchema(s: JSONSchemaProps | undefined): AjvSchema | boolean {
  if (!isPlainObject(s)) return true;
  const out: AjvSchema = {};
  const nullable = s.nullable === true;

  let types: string[] | undefined;
  if (s['x-kubernetes-int-or-string'] === true) types = ['integer', 'string'];
  else if (typeof s.type === 'string' && s.type !== '') types = [s.type];
  if (types) out.type = nullable ? [...types, 'null'] : types.length === 1 ? types[0] : types;

  if (typeof s.format === 'string' && KNOWN_FORMATS.has(s.format)) out.format = s.format;
  for (const k of COPY) if (s[k] !== undefined) out[k] = s[k];
  if (typeof s.maximum === 'number' && s.exclusiveMaximum === true) {
    delete out.maximum;
    out.exclusiveMaximum = s.maximum;
  }
  if (typeof s.minimum === 'number' && s.exclusiveMinimum === true) {
    delete out.minimum;
    out.exclusiveMinimum = s.minimum;
  }
  if (Array.isArray(s.enum)) out.enum = nullable && !s.enum.includes(null) ? [...s.enum, null] : s.enum;
  if (Array.isArray(s.required) && s.required.length > 0) out.required = s.required;

  if (s.items !== undefined) out.items = Array.isArray(s.items) ? s.items.map((i) => toAjvSchema(i)) : toAjvSchema(s.items);
  if (isPlainObject(s.properties)) {
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s.properties)) props[k] = toAjvSchema(v);
    out.properties = props;
  }
  if (typeof s.additionalProperties === 'boolean') out.additionalProperties = s.additionalProperties;
  else if (isPlainObject(s.additionalProperties)) out.additionalProperties = toAjvSchema(s.additionalProperties as JSONSchemaProps);
  for (const j of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = s[j];
    if (Array.isArray(list) && list.length > 0) out[j] = list.map((x) => toAjvSchema(x));
  }
  if (isPlainObject(s.not)) out.not = toAjvSchema(s.not);
  return out;
}
