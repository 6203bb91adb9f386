import { InvalidCause } from '../status';
import { fieldErr } from './field-errors';
import { JSONSchemaProps, additionalSchema, isPlainObject, itemSchema } from './crd-schema.types';

// Checks JSON Schema cannot express, run after ajv: embedded resources need apiVersion and kind
// (apiextensions schemaobjectmeta.Validate), and x-kubernetes-list-type set/map forbid duplicates
// (apiextensions listtype.ValidateListSetsAndMaps).

function child(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** True when the root or some node below needs a semantic check; skips the walk for plain schemas. */
export function needsSemanticChecks(s: JSONSchemaProps | undefined): boolean {
  if (!isPlainObject(s)) return false;
  if (s['x-kubernetes-embedded-resource'] === true) return true;
  const lt = s['x-kubernetes-list-type'];
  if (lt === 'set' || lt === 'map') return true;
  if (needsSemanticChecks(itemSchema(s)) || needsSemanticChecks(additionalSchema(s))) return true;
  return Object.values(s.properties ?? {}).some(needsSemanticChecks);
}

export function semanticCauses(x: unknown, s: JSONSchemaProps | undefined, path: string, out: InvalidCause[]): void {
  if (!isPlainObject(s)) return;
  if (isPlainObject(x)) {
    if (s['x-kubernetes-embedded-resource'] === true) {
      for (const k of ['apiVersion', 'kind']) {
        const v = x[k];
        if (typeof v !== 'string' || v === '') out.push(fieldErr.required(child(path, k), 'must not be empty'));
      }
    }
    const props = s.properties ?? {};
    const add = additionalSchema(s);
    for (const [k, v] of Object.entries(x)) {
      const ps = Object.prototype.hasOwnProperty.call(props, k) ? props[k] : add;
      if (ps) semanticCauses(v, ps, child(path, k), out);
    }
  } else if (Array.isArray(x)) {
    const lt = s['x-kubernetes-list-type'];
    if (lt === 'set') {
      const seen = new Set<string>();
      x.forEach((v, i) => {
        const key = JSON.stringify(v);
        if (seen.has(key)) out.push(fieldErr.duplicate(`${path}[${i}]`, v));
        seen.add(key);
      });
    } else if (lt === 'map') {
      const keys = s['x-kubernetes-list-map-keys'] ?? [];
      const seen = new Set<string>();
      x.forEach((v, i) => {
        if (!isPlainObject(v)) return;
        const kv: Record<string, unknown> = {};
        for (const k of keys) if (v[k] !== undefined) kv[k] = v[k];
        const key = JSON.stringify(kv);
        if (seen.has(key)) out.push(fieldErr.duplicate(`${path}[${i}]`, kv));
        seen.add(key);
      });
    }
    const items = itemSchema(s);
    x.forEach((v, i) => semanticCauses(v, items, `${path}[${i}]`, out));
  }
}
