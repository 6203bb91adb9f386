import { deepClone, deepEqual } from '../meta/deep-equal';
import { setOwn } from '../meta/own-property';
import type { ListStrategy } from '../patch/strategic-merge-keys';
import type { ResourceType } from '../resources';
import { badRequest, KubeStatusError } from '../status';
import {
  difference,
  FieldSet,
  hasPathOrDescendant,
  intersection,
  isObj,
  Obj,
  PathElements,
  pathString,
  union,
  withoutSubtree,
} from './field-path';
import { collectFieldSet, FieldSetOptions, listsFor, removeAt, UNTRACKED_METADATA } from './field-set';
import {
  BEFORE_FIRST_APPLY_MANAGER,
  compareFields,
  decodeManagedFields,
  encodeManagedFields,
  keepManagedFieldsIfNoop,
  ManagerState,
  rejectManagedFieldsInIntent,
  sameIdentity,
  toTimeString,
} from './managed-fields';

// Server-side apply (kubernetes-api.md §10 A3-A6), after structured-merge-diff's
// Apply: merge the intent into the live object by list type, detect conflicts
// with other managers, hand the applier the intent's field set, and prune what
// the applier dropped and nobody else owns.

export interface ApplyConflict {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  /** Path in the apiserver's notation, e.g. `.data.k1`. */
  field: string;
}

export interface ApplyServerSideInput {
  /** The stored object, or null when apply creates it (201 at the caller). */
  live: Obj | null;
  /** The parsed apply body (JSON or YAML). */
  intent: unknown;
  manager: string;
  force: boolean;
  /** apiVersion of the request (goes into the managedFields entry). */
  apiVersion: string;
  rt: Pick<ResourceType, 'group' | 'kind' | 'subresources'> & Partial<ResourceType>;
  now: Date | string;
  /** `status` for `PATCH .../status`. */
  subresource?: string;
}

export interface ApplyServerSideResult {
  /** The merged object with updated `metadata.managedFields`; run it through prepareCreate/prepareUpdate next. */
  object: Obj;
  /** True when `live` was null. */
  created: boolean;
  /** With `force`, the conflicts that were overridden (ownership moved to the applier). */
  conflicts?: ApplyConflict[];
}

/** Drops `null` map values (an apply intent's null means "not set by me"). */
function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) setOwn(out, k, stripNulls(x));
  return out;
}

/** The part of the intent this endpoint may change. */
function scopeIntent(intent: Obj, rt: ApplyServerSideInput['rt'], subresource: string | undefined): Obj {
  const out = stripNulls(intent) as Obj;
  const meta: Obj = isObj(out.metadata) ? out.metadata : {};
  const keepMeta: Obj = {};
  for (const [k, v] of Object.entries(meta)) {
    if (k === 'name' || k === 'namespace' || !UNTRACKED_METADATA.includes(k)) setOwn(keepMeta, k, v);
  }
  if (subresource === 'status') {
    const s: Obj = { metadata: { ...(keepMeta.name !== undefined ? { name: keepMeta.name } : {}), ...(keepMeta.namespace !== undefined ? { namespace: keepMeta.namespace } : {}) } };
    for (const k of ['apiVersion', 'kind', 'status']) if (out[k] !== undefined) s[k] = out[k];
    return s;
  }
  out.metadata = keepMeta;
  if (rt.subresources?.includes('status')) delete out.status;
  return out;
}

/** Merges the intent into the live object: maps per key, keyed lists by key, set lists as union, the rest replaced. */
export function mergeIntent(live: unknown, intent: unknown, lists: Record<string, ListStrategy>, dotted = ''): unknown {
  if (isObj(intent) && isObj(live)) {
    const out = deepClone(live);
    for (const [k, v] of Object.entries(intent)) setOwn(out, k, mergeIntent(live[k], v, lists, dotted ? `${dotted}.${k}` : k));
    return out;
  }
  if (Array.isArray(intent) && Array.isArray(live)) {
    const strategy = lists[dotted];
    if (!strategy) return deepClone(intent);
    const out = deepClone(live);
    if ('primitiveMerge' in strategy) {
      for (const item of intent) if (!out.some((x) => deepEqual(x, item))) out.push(deepClone(item));
      return out;
    }
    const key = strategy.mergeKey;
    for (const item of intent) {
      const at = isObj(item) && item[key] !== undefined ? out.findIndex((x) => isObj(x) && deepEqual(x[key], item[key])) : -1;
      if (at >= 0) out[at] = mergeIntent(out[at], item, lists, dotted);
      else out.push(deepClone(item));
    }
    return out;
  }
  return deepClone(intent);
}

/** How the apiserver names a manager in conflict messages. */
export function printManager(s: Pick<ManagerState, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let out = JSON.stringify(s.manager);
  if (s.subresource) out += ` with subresource ${JSON.stringify(s.subresource)}`;
  if (s.operation === 'Update') out += ` using ${s.apiVersion}`;
  return out;
}

interface Conflict {
  state: ManagerState;
  path: PathElements;
}

/** 409 with the apiserver's apply-conflict wording and `FieldManagerConflict` causes. */
export function applyConflictError(conflicts: Conflict[]): KubeStatusError {
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].state)}: ${pathString(conflicts[0].path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const m = printManager(c.state);
      byManager.set(m, [...(byManager.get(m) ?? []), pathString(c.path)]);
    }
    const lines: string[] = [];
    for (const m of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${m}:`);
      for (const p of byManager.get(m) ?? []) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  // metav1.StatusCause.Type is serialised as "reason" on the wire.
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.state)}`,
    field: pathString(c.path),
  }));
  return new KubeStatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Conflict',
    details: { causes },
    code: 409,
  });
}

function sortedPaths(s: FieldSet): PathElements[] {
  return [...s.values()].sort((a, b) => a.length - b.length || (a.join('\u0000') < b.join('\u0000') ? -1 : 1));
}

/**
 * Server-side apply of `intent` by `manager`. Returns the merged object with
 * its managedFields; throws 409 on conflicts (unless `force`) and 400 when the
 * intent carries managedFields. Name/namespace checks, resourceVersion
 * preconditions and server-set metadata stay with the caller
 * (prepareCreate/prepareUpdate on the result).
 */
export function applyServerSide(input: ApplyServerSideInput): ApplyServerSideResult {
  const { live, manager, force, apiVersion, rt, subresource } = input;
  const now = toTimeString(input.now);
  if (!isObj(input.intent)) throw badRequest('the apply body must be an object');
  rejectManagedFieldsInIntent(input.intent);
  const intent = scopeIntent(input.intent, rt, subresource);
  const opts: FieldSetOptions = { rt, subresource };
  const lists = listsFor(opts);

  // managers of the live object; fields that predate any tracking belong to before-first-apply
  const states = live ? decodeManagedFields(live) : [];
  if (live && states.length === 0) {
    const set = collectFieldSet(live, { rt, mode: 'all' });
    if (set.size > 0) states.push({ manager: BEFORE_FIRST_APPLY_MANAGER, operation: 'Update', apiVersion, set });
  }

  const liveBody = live ? deepClone(live) : null;
  if (liveBody && isObj(liveBody.metadata)) delete liveBody.metadata.managedFields;
  const merged = (liveBody ? mergeIntent(liveBody, intent, lists) : deepClone(intent)) as Obj;
  if (!isObj(merged.metadata)) merged.metadata = {};

  const me = { manager, operation: 'Apply' as const, subresource };
  const newSet = collectFieldSet(intent, opts);
  const { changed } = compareFields(liveBody ?? {}, merged, opts);

  // conflicts: another manager owns a field whose value the intent changes
  const conflicts: Conflict[] = [];
  for (const s of states) {
    if (sameIdentity(s, me)) continue;
    for (const p of sortedPaths(intersection(s.set, changed))) conflicts.push({ state: s, path: p });
  }
  if (conflicts.length > 0 && !force) throw applyConflictError(conflicts);
  for (const c of conflicts) c.state.set = withoutSubtree(c.state.set, c.path);

  let mine = states.find((s) => sameIdentity(s, me));
  const lastSet: FieldSet = mine ? mine.set : new Map();
  if (!mine) {
    mine = { manager, operation: 'Apply', apiVersion, set: new Map(), ...(subresource ? { subresource } : {}) };
    states.push(mine);
  }
  mine.set = newSet;
  mine.apiVersion = apiVersion;
  mine.time = now;

  // prune: fields the applier owned, left out now, and nobody else owns
  const others = union(...states.filter((s) => s !== mine).map((s) => s.set));
  const owned = union(others, newSet);
  for (const p of sortedPaths(difference(lastSet, newSet))) {
    if (hasPathOrDescendant(owned, p)) continue;
    removeAt(merged, p, (parent) => owned.has(parent.join('\u0000')));
  }
  // drop ownership of whatever pruning (or parent collapse) removed from the object
  const { removed } = compareFields(liveBody ?? {}, merged, opts);
  for (const s of states) {
    if (s === mine) continue;
    let set = s.set;
    for (const p of removed.values()) set = withoutSubtree(set, p);
    s.set = set;
  }

  const entries = encodeManagedFields(states, now);
  if (entries.length > 0) (merged.metadata as Obj).managedFields = entries;
  else delete (merged.metadata as Obj).managedFields;

  const object = keepManagedFieldsIfNoop(live, restoreServerMeta(merged, live));
  const result: ApplyServerSideResult = { object, created: live === null };
  if (conflicts.length > 0) {
    result.conflicts = conflicts.map((c) => ({
      manager: c.state.manager,
      operation: c.state.operation,
      apiVersion: c.state.apiVersion,
      ...(c.state.subresource ? { subresource: c.state.subresource } : {}),
      field: pathString(c.path),
    }));
  }
  return result;
}

/** Keeps the live object's server-set metadata (uid, resourceVersion, ...) on the merged object. */
function restoreServerMeta(merged: Obj, live: Obj | null): Obj {
  if (!live || !isObj(live.metadata)) return merged;
  const meta = merged.metadata as Obj;
  for (const k of UNTRACKED_METADATA) {
    if (k === 'managedFields' || k === 'name' || k === 'namespace') continue;
    if (live.metadata[k] !== undefined) meta[k] = deepClone(live.metadata[k]);
  }
  return merged;
}
