import type { ErrorObject } from 'ajv';
import { InvalidCause } from '../status';
import { isPlainObject } from './crd-schema.types';

// ajv errors -> apimachinery field.Error causes, worded as kube-openapi/go-openapi word them and
// converted as apiextensions-apiserver's kubeOpenAPIResultToFieldErrors does.

export const FieldReason = {
  Invalid: 'FieldValueInvalid',
  TypeInvalid: 'FieldValueTypeInvalid',
  NotSupported: 'FieldValueNotSupported',
  Required: 'FieldValueRequired',
  Forbidden: 'FieldValueForbidden',
  Duplicate: 'FieldValueDuplicate',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
} as const;

/** How field.Error prints a bad value: strings quoted, numbers/bools bare, null as "null", the rest as JSON. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '"null"';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export const fieldErr = {
  invalid: (field: string, value: unknown, detail: string): InvalidCause => ({
    reason: FieldReason.Invalid,
    field,
    message: `Invalid value: ${formatValue(value)}: ${detail}`,
  }),
  typeInvalid: (field: string, value: unknown, detail: string): InvalidCause => ({
    reason: FieldReason.TypeInvalid,
    field,
    message: `Invalid value: ${formatValue(value)}: ${detail}`,
  }),
  required: (field: string, detail = ''): InvalidCause => ({
    reason: FieldReason.Required,
    field,
    message: detail ? `Required value: ${detail}` : 'Required value',
  }),
  forbidden: (field: string, detail: string): InvalidCause => ({ reason: FieldReason.Forbidden, field, message: `Forbidden: ${detail}` }),
  notSupported: (field: string, value: unknown, supported: unknown[]): InvalidCause => {
    const quoted = supported.map((s) => JSON.stringify(typeof s === 'string' ? s : JSON.stringify(s)));
    const tail = quoted.length > 0 ? `: supported values: ${quoted.join(', ')}` : '';
    return { reason: FieldReason.NotSupported, field, message: `Unsupported value: ${formatValue(value)}${tail}` };
  },
  duplicate: (field: string, value: unknown): InvalidCause => ({
    reason: FieldReason.Duplicate,
    field,
    message: `Duplicate value: ${formatValue(value)}`,
  }),
  tooLong: (field: string, max: number): InvalidCause => ({
    reason: FieldReason.TooLong,
    field,
    message: `Too long: may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}`,
  }),
  tooMany: (field: string, actual: number, max: number): InvalidCause => ({
    reason: FieldReason.TooMany,
    field,
    message: `Too many: ${actual}: must have at most ${max} items`,
  }),
};

/** go-openapi's name for the JSON type of a value. */
export function jsonTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'object';
  return typeof v; // string, boolean
}

/** `/spec/items/0/name` -> `spec.items[0].name`, using the data to tell array indices from keys. */
export function pointerToFieldPath(pointer: string, data: unknown): { path: string; value: unknown } {
  if (pointer === '') return { path: '', value: data };
  let path = '';
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      path += `[${seg}]`;
      cur = cur[Number(seg)];
    } else {
      path = path ? `${path}.${seg}` : seg;
      cur = isPlainObject(cur) ? cur[seg] : undefined;
    }
  }
  return { path, value: cur };
}

function child(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Lower ranks win when one field has several violations (one cause per field). */
function rank(keyword: string): number {
  switch (keyword) {
    case 'type':
      return 0;
    case 'required':
      return 0;
    case 'format':
      return 1;
    case 'enum':
      return 2;
    case 'anyOf':
    case 'oneOf':
    case 'not':
      return 4;
    default:
      return 3;
  }
}

/** Errors raised inside anyOf/oneOf/not branches only explain the junctor's own error; drop them. */
function insideJunctor(e: ErrorObject): boolean {
  return /\/(anyOf|oneOf|not)(\/|$)/.test(e.schemaPath.replace(/\/(anyOf|oneOf|not)$/, ''));
}

export function ajvErrorToCause(e: ErrorObject, data: unknown): InvalidCause | undefined {
  const { path, value } = pointerToFieldPath(e.instancePath, data);
  const p = e.params as Record<string, unknown>;
  const at = path || '<root>';
  switch (e.keyword) {
    case 'type': {
      const want = String(p.type)
        .split(',')
        .filter((t) => t !== 'null')
        .join(',');
      const found = jsonTypeName(value);
      return fieldErr.typeInvalid(path, found, `${at} in body must be of type ${want}: ${JSON.stringify(found)}`);
    }
    case 'format':
      return fieldErr.typeInvalid(path, value, `${at} in body must be of type ${String(p.format)}: ${JSON.stringify(String(value))}`);
    case 'required':
      return fieldErr.required(child(path, String(p.missingProperty)));
    case 'enum':
      return fieldErr.notSupported(path, value, ((p.allowedValues as unknown[]) ?? []).filter((v) => v !== null));
    case 'maximum':
      return fieldErr.invalid(path, value, `${at} in body should be less than or equal to ${String(p.limit)}`);
    case 'exclusiveMaximum':
      return fieldErr.invalid(path, value, `${at} in body should be less than ${String(p.limit)}`);
    case 'minimum':
      return fieldErr.invalid(path, value, `${at} in body should be greater than or equal to ${String(p.limit)}`);
    case 'exclusiveMinimum':
      return fieldErr.invalid(path, value, `${at} in body should be greater than ${String(p.limit)}`);
    case 'multipleOf':
      return fieldErr.invalid(path, value, `${at} in body should be a multiple of ${String(p.multipleOf)}`);
    case 'pattern':
      return fieldErr.invalid(path, value, `${at} in body should match '${String(p.pattern)}'`);
    case 'minLength':
      return fieldErr.invalid(path, value, `${at} in body should be at least ${String(p.limit)} chars long`);
    case 'maxLength':
      return fieldErr.tooLong(path, Number(p.limit));
    case 'minItems':
      return fieldErr.invalid(path, value, `${at} in body should have at least ${String(p.limit)} items`);
    case 'maxItems':
      return fieldErr.tooMany(path, Array.isArray(value) ? value.length : -1, Number(p.limit));
    case 'uniqueItems':
      return fieldErr.invalid(path, value, `${at} in body shouldn't contain duplicates`);
    case 'minProperties':
      return fieldErr.invalid(path, value, `${at} in body should have at least ${String(p.limit)} properties`);
    case 'maxProperties':
      return fieldErr.tooMany(path, isPlainObject(value) ? Object.keys(value).length : -1, Number(p.limit));
    case 'additionalProperties': {
      const f = child(path, String(p.additionalProperty));
      return fieldErr.invalid(f, '', `${f} in body is a forbidden property`);
    }
    case 'anyOf':
      return fieldErr.invalid(path, value, `${at} in body must validate at least one schema (anyOf)`);
    case 'oneOf':
      return fieldErr.invalid(path, value, `${at} in body must validate one and only one schema (oneOf)`);
    case 'not':
      return fieldErr.invalid(path, value, `${at} in body must not validate the schema (not)`);
    case 'if':
    case 'then':
    case 'else':
      return undefined;
    default:
      return fieldErr.invalid(path, value, `${at} in body ${e.message ?? 'is invalid'}`);
  }
}

/** Maps ajv errors to causes, keeping one cause per field (the most basic violation wins). */
export function ajvErrorsToCauses(errors: ErrorObject[] | null | undefined, data: unknown): InvalidCause[] {
  if (!errors) return [];
  const best = new Map<string, { cause: InvalidCause; rank: number; order: number }>();
  let order = 0;
  for (const e of errors) {
    if (insideJunctor(e)) continue;
    const cause = ajvErrorToCause(e, data);
    if (!cause) continue;
    const r = rank(e.keyword);
    const prev = best.get(cause.field);
    if (!prev) best.set(cause.field, { cause, rank: r, order: order++ });
    else if (r < prev.rank) best.set(cause.field, { cause, rank: r, order: prev.order });
  }
  return [...best.values()].sort((a, b) => a.order - b.order).map((x) => x.cause);
}
