import { BUILTIN_RESOURCES, ResourceType } from '../resources';
import { badRequest, unsupportedMediaType } from '../status';
import { deepClone } from '../meta/deep-equal';
import { isPlainObject } from './merge-patch';
import { ListStrategy, listStrategiesFor } from './strategic-merge-keys';
import { setOwn } from '../meta/own-property';

// Strategic merge patch for built-in kinds (kubernetes-api.md §9 X3): maps
// merge, null deletes, keyed lists merge item by item, other lists are
// replaced, plus the $patch / $retainKeys / $deleteFromPrimitiveList /
// $setElementOrder directives kubectl emits.

type Obj = Record<string, unknown>;

export const PATCH_TYPES_FOR_CUSTOM_RESOURCES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

const DELETE_FROM = '$deleteFromPrimitiveList/';
const SET_ORDER = '$setElementOrder/';
const DELETE = Symbol('delete');

function isDirective(k: string): boolean {
  return k === '$patch' || k === '$retainKeys' || k.startsWith(DELETE_FROM) || k.startsWith(SET_ORDER);
}

/** A value from the patch that lands as-is: directives and nulls inside it are dropped. */
function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((e) => !(isPlainObject(e) && e.$patch === 'delete')).map(clean);
  if (!isPlainObject(v)) return v;
  const out: Obj = {};
  for (const [k, e] of Object.entries(v)) if (!isDirective(k) && e !== null) setOwn(out, k, clean(e));
  return out;
}

class StrategicMerger {
  constructor(private readonly lists: Record<string, ListStrategy>) {}

  mergeMap(orig: Obj, patch: Obj, path: string): Obj | typeof DELETE {
    const directive = patch.$patch;
    if (directive === 'delete') return DELETE;
    if (directive === 'replace') return clean(patch) as Obj;
    if (directive !== undefined && directive !== 'merge') throw badRequest(`unknown patch directive $patch: ${JSON.stringify(directive)}`);

    const out: Obj = { ...orig };
    for (const [k, pv] of Object.entries(patch)) {
      if (isDirective(k)) continue;
      const childPath = path ? `${path}.${k}` : k;
      if (pv === null) {
        delete out[k];
      } else if (isPlainObject(pv)) {
        const merged = this.mergeMap(isPlainObject(out[k]) ? (out[k] as Obj) : {}, pv, childPath);
        if (merged === DELETE) delete out[k];
        else setOwn(out, k, merged);
      } else if (Array.isArray(pv)) {
        setOwn(out, k, this.mergeList(Array.isArray(out[k]) ? (out[k] as unknown[]) : [], pv, childPath));
      } else {
        setOwn(out, k, pv);
      }
    }

    for (const [k, pv] of Object.entries(patch)) {
      if (k.startsWith(DELETE_FROM)) {
        const f = k.slice(DELETE_FROM.length);
        if (!Array.isArray(pv)) throw badRequest(`${k} must be a list`);
        if (Array.isArray(out[f])) out[f] = (out[f] as unknown[]).filter((e) => !pv.includes(e));
      }
    }
    for (const [k, pv] of Object.entries(patch)) {
      if (k.startsWith(SET_ORDER)) {
        const f = k.slice(SET_ORDER.length);
        if (!Array.isArray(pv)) throw badRequest(`${k} must be a list`);
        if (Array.isArray(out[f])) out[f] = this.reorder(out[f] as unknown[], pv, path ? `${path}.${f}` : f);
      }
    }
    if ('$retainKeys' in patch) {
      const keep = patch.$retainKeys;
      if (!Array.isArray(keep)) throw badRequest('$retainKeys must be a list');
      for (const k of Object.keys(out)) if (!keep.includes(k)) delete out[k];
    }
    return out;
  }

  private mergeList(orig: unknown[], patch: unknown[], path: string): unknown[] {
    const strategy = this.lists[path];
    const replaceMarker = patch.findIndex((e) => isPlainObject(e) && e.$patch === 'replace' && Object.keys(e).length === 1);
    if (replaceMarker >= 0) return clean(patch.filter((_, i) => i !== replaceMarker)) as unknown[];
    if (!strategy) return clean(patch) as unknown[];
    if ('primitiveMerge' in strategy) {
      const out = [...orig];
      for (const e of patch) if (!out.some((o) => o === e)) out.push(e);
      return out;
    }
    const key = strategy.mergeKey;
    const out: unknown[] = [...orig];
    for (const item of patch) {
      if (!isPlainObject(item)) throw badRequest(`${path}: list items must be objects with the merge key "${key}"`);
      if (!(key in item)) throw badRequest(`${path}: map does not contain declared merge key: ${key}`);
      const at = out.findIndex((o) => isPlainObject(o) && o[key] === item[key]);
      if (item.$patch === 'delete') {
        if (at >= 0) out.splice(at, 1);
        continue;
      }
      if (at >= 0) {
        const merged = this.mergeMap(out[at] as Obj, item, path);
        if (merged === DELETE) out.splice(at, 1);
        else out[at] = merged;
      } else {
        out.push(clean(item));
      }
    }
    return out;
  }

  /** Orders items as `$setElementOrder` says; items it does not name keep their place at the end. */
  private reorder(items: unknown[], order: unknown[], path: string): unknown[] {
    const strategy = this.lists[path];
    const keyOf = (e: unknown): unknown => (strategy && 'mergeKey' in strategy && isPlainObject(e) ? e[strategy.mergeKey] : e);
    const wanted = order.map(keyOf);
    const named: unknown[] = [];
    for (const w of wanted) {
      const found = items.find((e) => keyOf(e) === w);
      if (found !== undefined) named.push(found);
    }
    return [...named, ...items.filter((e) => !wanted.includes(keyOf(e)))];
  }
}

function isBuiltin(rt: ResourceType): boolean {
  return BUILTIN_RESOURCES.some((b) => b.group === rt.group && b.version === rt.version && b.resource === rt.resource);
}

/**
 * Applies a strategic merge patch to a copy of `target`. Only built-in kinds
 * support it: any other type gets 415, as from the apiserver for CRs (§9 X4).
 */
export function applyStrategicMergePatch<T = Record<string, unknown>>(target: unknown, patch: unknown, rt: ResourceType): T {
  if (!isBuiltin(rt)) throw unsupportedMediaType(PATCH_TYPES_FOR_CUSTOM_RESOURCES);
  if (!isPlainObject(patch)) throw badRequest('the strategic merge patch must be a JSON object');
  const merged = new StrategicMerger(listStrategiesFor(rt)).mergeMap(isPlainObject(target) ? deepClone(target) : {}, patch, '');
  if (merged === DELETE) throw badRequest('$patch: delete is not allowed on the whole object');
  return merged as T;
}
