import { JSONSchemaProps, JsonObject, OBJECT_META_FIELDS, additionalSchema, isPlainObject, itemSchema } from './crd-schema.types';

// apiextensions-apiserver structuralpruning.PruneWithOptions: drop every field the structural
// schema does not declare, except under x-kubernetes-preserve-unknown-fields. The resource root
// is treated as an embedded resource: apiVersion and kind stay, metadata keeps ObjectMeta's fields
// (ObjectMeta decoding drops the rest, and strict decoding reports them too).

export interface PruneResult {
  pruned: JsonObject;
  /** Removed paths, such as `spec.foo` or `spec.items[0].bar`, sorted. */
  unknownFields: string[];
}

function child(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Prunes `obj` in place; the caller passes a copy when it must keep the original. */
export function pruneInPlace(obj: JsonObject, root: JSONSchemaProps): string[] {
  const unknown: string[] = [];
  pruneObjectNode(obj, root, '', true, unknown);
  return unknown.sort();
}

function prune(x: unknown, s: JSONSchemaProps | undefined, path: string, unknown: string[]): void {
  if (s && s['x-kubernetes-preserve-unknown-fields'] === true) {
    skipPrune(x, s, path, unknown);
    return;
  }
  if (isPlainObject(x)) {
    pruneObjectNode(x, s, path, s?.['x-kubernetes-embedded-resource'] === true, unknown);
  } else if (Array.isArray(x)) {
    const items = itemSchema(s);
    x.forEach((v, i) => prune(v, items, `${path}[${i}]`, unknown));
  }
}

function pruneObjectNode(x: JsonObject, s: JSONSchemaProps | undefined, path: string, embedded: boolean, unknown: string[]): void {
  if (s && s['x-kubernetes-preserve-unknown-fields'] === true) {
    skipPrune(x, s, path, unknown, embedded);
    return;
  }
  const props = s?.properties ?? {};
  const add = additionalSchema(s);
  const addAllowed = s?.additionalProperties === true;
  for (const k of Object.keys(x)) {
    const p = child(path, k);
    if (embedded && handleEmbeddedMeta(x, k, p, unknown)) continue;
    if (Object.prototype.hasOwnProperty.call(props, k)) prune(x[k], props[k], p, unknown);
    else if (add) prune(x[k], add, p, unknown);
    else if (addAllowed) continue;
    else {
      unknown.push(p);
      delete x[k];
    }
  }
}

/** True when `k` is apiVersion/kind/metadata of an embedded resource (or the root) and was handled. */
function handleEmbeddedMeta(x: JsonObject, k: string, path: string, unknown: string[]): boolean {
  if (k === 'apiVersion' || k === 'kind') return true;
  if (k !== 'metadata') return false;
  const meta = x[k];
  if (isPlainObject(meta)) {
    for (const mk of Object.keys(meta)) {
      if (!OBJECT_META_FIELDS.has(mk)) {
        unknown.push(`${path}.${mk}`);
        delete meta[mk];
      }
    }
  }
  return true;
}

function skipPrune(x: unknown, s: JSONSchemaProps, path: string, unknown: string[], embedded = s['x-kubernetes-embedded-resource'] === true): void {
  if (isPlainObject(x)) {
    const props = s.properties ?? {};
    const add = additionalSchema(s);
    for (const k of Object.keys(x)) {
      const p = child(path, k);
      if (embedded && handleEmbeddedMeta(x, k, p, unknown)) continue;
      if (Object.prototype.hasOwnProperty.call(props, k)) prune(x[k], props[k], p, unknown);
      else if (add) prune(x[k], add, p, unknown);
    }
  } else if (Array.isArray(x)) {
    const items = itemSchema(s);
    if (items) x.forEach((v, i) => prune(v, items, `${path}[${i}]`, unknown));
  }
}
