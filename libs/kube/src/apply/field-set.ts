import { deepEqual } from '../meta/deep-equal';
import type { ListStrategy } from '../patch/strategic-merge-keys';
import { listStrategiesFor } from '../patch/strategic-merge-keys';
import type { ResourceType } from '../resources';
import {
  canonicalJson,
  FieldSet,
  FieldsV1,
  findListItem,
  isObj,
  Obj,
  PathElements,
  pathKey,
  toFieldsV1,
} from './field-path';

// Which fields an object sets, following the list types of its kind
// (kubernetes-api.md §10 A5/A6). Lists named in the strategic-merge key table
// are keyed (`k:{"uid":..}`) or sets (`v:"x"`); every other list is atomic.

/** What the field walker needs to know about the kind. */
export type FieldSetType = Partial<Pick<ResourceType, 'group' | 'kind' | 'subresources'>>;

export interface FieldSetOptions {
  /** The kind (for list types and whether `status` is a subresource). */
  rt?: FieldSetType;
  /** List types by dotted path (list items add no segment); defaults to the kind's strategic merge keys. */
  lists?: Record<string, ListStrategy>;
  /** `status` tracks only `.status`; anything else (or none) tracks all but a status subresource's `.status`. */
  subresource?: string;
  /**
   * `apply` (default): what an apply intent owns — leaves, atomic lists, empty maps, list items.
   * `all`: every node, maps and lists included (as members with `"."`), as Update entries record them.
   */
  mode?: 'apply' | 'all';
}

/** metadata fields the apiserver never tracks (fieldmanager stripmeta plus server-set fields). */
export const UNTRACKED_METADATA = [
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];

export function listsFor(opts: FieldSetOptions): Record<string, ListStrategy> {
  if (opts.lists) return opts.lists;
  if (opts.rt && opts.rt.kind !== undefined) return listStrategiesFor({ group: opts.rt.group ?? '', kind: opts.rt.kind });
  return {};
}

/** Top-level fields to track for this write, or the test `name => tracked`. */
function tracksTop(opts: FieldSetOptions): (name: string) => boolean {
  if (opts.subresource === 'status') return (n) => n === 'status';
  const statusIsSub = opts.rt?.subresources?.includes('status') ?? false;
  return (n) => n !== 'apiVersion' && n !== 'kind' && !(statusIsSub && n === 'status');
}

function join(dotted: string, k: string): string {
  return dotted ? `${dotted}.${k}` : k;
}

/** The internal set form of {@link fieldSetOf}. */
export function collectFieldSet(obj: unknown, opts: FieldSetOptions = {}): FieldSet {
  const lists = listsFor(opts);
  const all = opts.mode === 'all';
  const out: FieldSet = new Map();
  const add = (p: PathElements): void => {
    out.set(pathKey(p), p);
  };

  const walk = (v: unknown, p: PathElements, dotted: string, isListItem: boolean): void => {
    if (isObj(v)) {
      const keys = Object.keys(v).filter((k) => v[k] !== undefined);
      if (!isListItem && (all || keys.length === 0)) add(p);
      for (const k of keys) walk(v[k], [...p, `f:${k}`], join(dotted, k), false);
      return;
    }
    if (Array.isArray(v)) {
      const strategy = lists[dotted];
      if (!strategy) {
        add(p);
        return;
      }
      if (all || v.length === 0) add(p);
      for (const item of v) {
        if ('primitiveMerge' in strategy) {
          add([...p, `v:${canonicalJson(item)}`]);
        } else if (isObj(item) && item[strategy.mergeKey] !== undefined) {
          const ip = [...p, `k:${canonicalJson({ [strategy.mergeKey]: item[strategy.mergeKey] })}`];
          add(ip);
          walk(item, ip, dotted, true);
        } else {
          // an item without its key cannot be addressed; own the list whole
          add(p);
        }
      }
      return;
    }
    add(p);
  };

  if (!isObj(obj)) return out;
  const tracked = tracksTop(opts);
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || !tracked(k)) continue;
    if (k === 'metadata' && isObj(v)) {
      for (const [mk, mv] of Object.entries(v)) {
        if (mv === undefined || UNTRACKED_METADATA.includes(mk)) continue;
        walk(mv, ['f:metadata', `f:${mk}`], `metadata.${mk}`, false);
      }
      continue;
    }
    walk(v, [`f:${k}`], k, false);
  }
  return out;
}

/**
 * The fields `obj` sets, as FieldsV1, e.g.
 * `{"f:data":{"f:k1":{}},"f:metadata":{"f:labels":{"f:a":{}}}}`.
 */
export function fieldSetOf(obj: unknown, opts: FieldSetOptions = {}): FieldsV1 {
  return toFieldsV1(collectFieldSet(obj, opts));
}

/** The value at a path, if present. */
export function valueAt(obj: unknown, els: PathElements): { found: boolean; value?: unknown } {
  let cur: unknown = obj;
  for (const e of els) {
    if (e.startsWith('f:')) {
      if (!isObj(cur)) return { found: false };
      const name = e.slice(2);
      if (!Object.prototype.hasOwnProperty.call(cur, name) || cur[name] === undefined) return { found: false };
      cur = cur[name];
    } else {
      if (!Array.isArray(cur)) return { found: false };
      const i = findListItem(cur, e, deepEqual);
      if (i < 0) return { found: false };
      cur = cur[i];
    }
  }
  return { found: true, value: cur };
}

/**
 * Removes the node at a path from `obj` (mutating it). Parents that become
 * empty are removed too unless `keep(parentPath)` says someone owns them.
 */
export function removeAt(obj: Obj, els: PathElements, keep: (p: PathElements) => boolean): void {
  if (els.length === 0) return;
  const chain: unknown[] = [obj];
  let cur: unknown = obj;
  for (const e of els.slice(0, -1)) {
    const next = valueAt(cur, [e]);
    if (!next.found) return;
    cur = next.value;
    chain.push(cur);
  }
  const dropFrom = (container: unknown, e: string): boolean => {
    if (e.startsWith('f:')) {
      if (!isObj(container)) return false;
      delete container[e.slice(2)];
      return true;
    }
    if (!Array.isArray(container)) return false;
    const i = findListItem(container, e, deepEqual);
    if (i < 0) return false;
    container.splice(i, 1);
    return true;
  };
  if (!dropFrom(cur, els[els.length - 1])) return;
  // collapse emptied maps/lists upwards (never the root, never metadata itself)
  for (let depth = els.length - 1; depth >= 1; depth--) {
    const node = chain[depth];
    const empty = (isObj(node) && Object.keys(node).length === 0) || (Array.isArray(node) && node.length === 0);
    const p = els.slice(0, depth);
    if (!empty || keep(p) || (p.length === 1 && p[0] === 'f:metadata')) return;
    if (!dropFrom(chain[depth - 1], els[depth - 1])) return;
  }
}
