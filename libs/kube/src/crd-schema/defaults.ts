import { JSONSchemaProps, JsonObject, additionalSchema, isPlainObject, itemSchema } from './crd-schema.types';

// apiextensions-apiserver structuraldefaulting.Default and PruneNonNullableNullsWithoutDefaults:
// a missing property (or a null one that is not nullable) takes a deep copy of its `default`, then
// defaulting recurses into every value, so defaults apply inside array items and inside objects the
// client sent or a default created. Absent parents are never created unless they have a default.

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function isNonNullableNull(v: unknown, s: JSONSchemaProps | undefined): boolean {
  return v === null && s?.nullable !== true;
}

/** Defaults `x` in place. */
export function defaultInPlace(x: unknown, s: JSONSchemaProps | undefined): void {
  if (!s) return;
  if (isPlainObject(x)) {
    const props = s.properties ?? {};
    for (const [k, prop] of Object.entries(props)) {
      if (!isPlainObject(prop) || prop.default === undefined) continue;
      if (!(k in x) || isNonNullableNull(x[k], prop)) x[k] = clone(prop.default);
    }
    const add = additionalSchema(s);
    for (const [k, v] of Object.entries(x)) {
      if (Object.prototype.hasOwnProperty.call(props, k)) defaultInPlace(v, props[k]);
      else if (add) {
        if (isNonNullableNull(v, add) && add.default !== undefined) x[k] = clone(add.default);
        defaultInPlace(x[k], add);
      }
    }
  } else if (Array.isArray(x)) {
    const items = itemSchema(s);
    if (!items) return;
    for (let i = 0; i < x.length; i++) {
      if (isNonNullableNull(x[i], items) && items.default !== undefined) x[i] = clone(items.default);
      defaultInPlace(x[i], items);
    }
  }
}

/** Drops `null` values of non-nullable fields that have no default (they would fail validation otherwise). */
export function pruneNonNullableNullsInPlace(x: unknown, s: JSONSchemaProps | undefined): void {
  if (!s) return;
  if (isPlainObject(x)) {
    const props = s.properties ?? {};
    const add = additionalSchema(s);
    for (const k of Object.keys(x)) {
      const prop = Object.prototype.hasOwnProperty.call(props, k) ? props[k] : add;
      if (!prop) continue;
      if (x[k] === null && prop.nullable !== true && prop.default === undefined) delete x[k];
      else pruneNonNullableNullsInPlace(x[k], prop);
    }
  } else if (Array.isArray(x)) {
    const items = itemSchema(s);
    if (items) for (const v of x) pruneNonNullableNullsInPlace(v, items);
  }
}

export function applyDefaultsInPlace(obj: JsonObject, root: JSONSchemaProps): JsonObject {
  defaultInPlace(obj, root);
  pruneNonNullableNullsInPlace(obj, root);
  return obj;
}
