import { badRequest } from '../status';
import type { FieldRequirement } from '../selectors/selector.types';
import { BUILTIN_RESOURCES } from './builtin-resources';
import { ResourceType } from './resource-type';

// Per-kind selectable fields (kubernetes-api.md §8 S4). Values are strings,
// missing ones read as "" just like the apiserver's field sets.

const UNIVERSAL = ['metadata.name', 'metadata.namespace'];

type Obj = Record<string, unknown>;

function at(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Obj)[p];
  }
  return cur;
}

function str(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

// Fields whose name is not simply their JSON path, by `group/Kind`: the
// candidate paths, first non-empty value wins.
const ALIASES: Record<string, Record<string, string[][]>> = {
  '/Event': {
    source: [['source', 'component']],
  },
  // events.k8s.io/v1: like the apiserver, `source` is the old source component, else reportingController.
  'events.k8s.io/Event': {
    source: [['deprecatedSource', 'component'], ['reportingController']],
  },
};

function firstValue(obj: Obj, candidates: string[][]): string {
  for (const c of candidates) {
    const v = str(at(obj, c));
    if (v !== '') return v;
  }
  return '';
}

/** Extra field values (not metadata.name/namespace) of `obj` for selectors. */
export function fieldValuesOf(rt: ResourceType, obj: Obj): Record<string, string> {
  const out: Record<string, string> = {};
  const aliases = ALIASES[`${rt.group}/${rt.kind}`] ?? {};
  for (const f of rt.fieldSelectors) out[f] = firstValue(obj, aliases[f] ?? [f.split('.')]);
  return out;
}

/** All field values, including metadata.name and metadata.namespace. */
export function allFieldValuesOf(rt: ResourceType, obj: Obj): Record<string, string> {
  const meta = (obj.metadata ?? {}) as Obj;
  return { 'metadata.name': str(meta.name), 'metadata.namespace': str(meta.namespace), ...fieldValuesOf(rt, obj) };
}

export function supportedFields(rt: ResourceType): string[] {
  return [...UNIVERSAL, ...rt.fieldSelectors];
}

function isBuiltin(rt: ResourceType): boolean {
  return BUILTIN_RESOURCES.some((b) => b.group === rt.group && b.resource === rt.resource);
}

/**
 * 400 for a field this type cannot select on (§8 S6): `field label not
 * supported: foo` for built-ins, the apiextensions wording for custom resources.
 */
export function checkFieldSelector(rt: ResourceType, reqs: readonly FieldRequirement[]): void {
  const fields = supportedFields(rt);
  const ok = new Set(fields);
  for (const r of reqs) {
    if (ok.has(r.field)) continue;
    if (isBuiltin(rt)) throw badRequest(`field label not supported: ${r.field}`);
    throw badRequest(`"${r.field}" is not a known field selector: only ${fields.map((f) => `"${f}"`).join(', ')}`);
  }
}
