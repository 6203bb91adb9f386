import { deepClone, deepEqual } from '../meta/deep-equal';
import { formatTime } from '../meta/time-and-params';
import { badRequest, KubeStatusError } from '../status';
import {
  difference,
  FieldSet,
  FieldsV1,
  fromFieldsV1,
  isObj,
  Obj,
  PathElements,
  setsEqual,
  toFieldsV1,
  union,
  withoutSubtree,
} from './field-path';
import { collectFieldSet, FieldSetOptions, FieldSetType, listsFor, valueAt } from './field-set';

// metadata.managedFields bookkeeping (kubernetes-api.md §10 A5, §5 C7).

export type ManagedFieldsOperation = 'Apply' | 'Update';

/** Wire shape of one `metadata.managedFields[]` entry. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: ManagedFieldsOperation;
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldsV1;
  subresource?: string;
}

/** Decoded entry: the field set as a path set. */
export interface ManagerState {
  manager: string;
  operation: ManagedFieldsOperation;
  apiVersion: string;
  time?: string;
  subresource?: string;
  set: FieldSet;
}

export const FIELD_MANAGER_MAX_LENGTH = 128;
/** Owner of the fields an object had before its first apply (structured-merge-diff's name). */
export const BEFORE_FIRST_APPLY_MANAGER = 'before-first-apply';

export function toTimeString(now: Date | string): string {
  return typeof now === 'string' ? now : formatTime(now);
}

export function sameIdentity(a: Pick<ManagerState, 'manager' | 'operation' | 'subresource'>, b: typeof a): boolean {
  return a.manager === b.manager && a.operation === b.operation && (a.subresource ?? '') === (b.subresource ?? '');
}

/** Reads `metadata.managedFields`; entries that are not FieldsV1 objects are dropped. */
export function decodeManagedFields(obj: unknown): ManagerState[] {
  const meta = isObj(obj) && isObj(obj.metadata) ? obj.metadata : undefined;
  const raw = meta?.managedFields;
  if (!Array.isArray(raw)) return [];
  const out: ManagerState[] = [];
  for (const e of raw) {
    if (!isObj(e) || typeof e.manager !== 'string') continue;
    if (e.operation !== 'Apply' && e.operation !== 'Update') continue;
    if (e.fieldsType !== undefined && e.fieldsType !== 'FieldsV1') continue;
    const state: ManagerState = {
      manager: e.manager,
      operation: e.operation,
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      set: fromFieldsV1(e.fieldsV1),
    };
    if (typeof e.time === 'string') state.time = e.time;
    if (typeof e.subresource === 'string' && e.subresource !== '') state.subresource = e.subresource;
    // collapse duplicates of one identity
    const dup = out.find((o) => sameIdentity(o, state));
    if (dup) dup.set = union(dup.set, state.set);
    else out.push(state);
  }
  return out;
}

/** Apply before Update, then by time, manager, apiVersion, subresource (apiserver order). */
function entryOrder(p: ManagedFieldsEntry, q: ManagedFieldsEntry): number {
  if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
  const pt = Date.parse(p.time) || 0;
  const qt = Date.parse(q.time) || 0;
  if (pt !== qt) return pt - qt;
  for (const k of ['manager', 'apiVersion', 'subresource'] as const) {
    const a = p[k] ?? '';
    const b = q[k] ?? '';
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

/** Encodes states into sorted entries, dropping empty ones. */
export function encodeManagedFields(states: ManagerState[], now: string): ManagedFieldsEntry[] {
  return states
    .filter((s) => s.set.size > 0)
    .map((s) => {
      const e: ManagedFieldsEntry = {
        manager: s.manager,
        operation: s.operation,
        apiVersion: s.apiVersion,
        time: s.time ?? now,
        fieldsType: 'FieldsV1',
        fieldsV1: toFieldsV1(s.set),
      };
      if (s.subresource) e.subresource = s.subresource;
      return e;
    })
    .sort(entryOrder);
}

export interface FieldChanges {
  /** Paths added or whose (leaf) value changed. */
  changed: FieldSet;
  /** Paths present before and gone after. */
  removed: FieldSet;
}

/** Compares two objects path by path (maps and list items count only when added or removed). */
export function compareFields(before: unknown, after: unknown, opts: FieldSetOptions): FieldChanges {
  const all: FieldSetOptions = { ...opts, mode: 'all' };
  const lists = listsFor(opts);
  const b = collectFieldSet(before, all);
  const a = collectFieldSet(after, all);
  const changed: FieldSet = new Map();
  for (const [k, els] of a) {
    if (!b.has(k)) {
      changed.set(k, els);
      continue;
    }
    const bv = valueAt(before, els).value;
    const av = valueAt(after, els).value;
    const container = (v: unknown): boolean => isObj(v) || (Array.isArray(v) && lists[dottedOf(els)] !== undefined);
    if (container(av) && container(bv)) continue;
    if (!deepEqual(bv, av)) changed.set(k, els);
  }
  return { changed, removed: difference(b, a) };
}

/** `spec.containers.env` for `f:spec/f:containers/k:{..}/f:env` (the strategic-merge key table's form). */
function dottedOf(els: PathElements): string {
  return els
    .filter((e) => e.startsWith('f:'))
    .map((e) => e.slice(2))
    .join('.');
}

/** Removes `removed` paths (and what lies below them) from every state. */
export function dropRemoved(states: ManagerState[], removed: FieldSet): void {
  if (removed.size === 0) return;
  for (const s of states) {
    let set = difference(s.set, removed);
    for (const els of removed.values()) set = withoutSubtree(set, els);
    s.set = set;
  }
}

/**
 * When a write changed nothing but managedFields timestamps, the stored
 * managedFields stay as they were, so a no-op keeps its resourceVersion (§9 X7).
 */
export function keepManagedFieldsIfNoop(before: Obj | null, after: Obj): Obj {
  if (!before) return after;
  const strip = (o: Obj): Obj => {
    const c = { ...o, metadata: { ...(isObj(o.metadata) ? o.metadata : {}) } };
    delete (c.metadata as Obj).managedFields;
    return c;
  };
  if (!deepEqual(strip(before), strip(after))) return after;
  const bs = decodeManagedFields(before);
  const as = decodeManagedFields(after);
  const same =
    bs.length === as.length &&
    bs.every((b) => {
      const a = as.find((x) => sameIdentity(x, b));
      return a !== undefined && a.apiVersion === b.apiVersion && setsEqual(a.set, b.set);
    });
  if (!same) return after;
  const out = deepClone(after);
  const bm = (before.metadata as Obj | undefined)?.managedFields;
  if (bm === undefined) delete (out.metadata as Obj).managedFields;
  else (out.metadata as Obj).managedFields = deepClone(bm);
  return out;
}

export interface RecordUpdateInput {
  /** The stored object before the write; null for a create. */
  before: Obj | null;
  /** The object about to be stored (after defaults and server fields). */
  after: Obj;
  manager: string;
  operation?: 'Update';
  /** apiVersion of the request (the object's apiVersion). */
  apiVersion: string;
  now: Date | string;
  subresource?: string;
  /** The kind, for list types and the status subresource; without it all lists are atomic. */
  rt?: FieldSetType;
}

function managedFieldsToStart(before: Obj | null, after: Obj): ManagerState[] {
  // A client may send managedFields (kubectl edit / replace send them back);
  // a non-empty list replaces the stored one, `[{}]` clears it.
  const sent = isObj(after.metadata) ? after.metadata.managedFields : undefined;
  if (Array.isArray(sent) && sent.length > 0) {
    if (sent.length === 1 && isObj(sent[0]) && Object.keys(sent[0]).length === 0) return [];
    return decodeManagedFields(after);
  }
  return decodeManagedFields(before);
}

/**
 * managedFields for a write that is not an apply (create, update, patch):
 * the changed fields go to `manager` (operation Update) and leave every
 * other entry. Returns a copy of `after` with `metadata.managedFields` set.
 */
export function recordUpdate(input: RecordUpdateInput): Obj {
  const { before, after, manager, apiVersion, subresource, rt } = input;
  const now = toTimeString(input.now);
  const opts: FieldSetOptions = { rt, subresource };
  const states = managedFieldsToStart(before, after);
  const { changed, removed } = compareFields(before ?? {}, after, opts);

  for (const s of states) s.set = difference(s.set, changed);
  dropRemoved(states, removed);
  const id = { manager, operation: 'Update' as const, subresource };
  let mine = states.find((s) => sameIdentity(s, id));
  if (!mine) {
    mine = { manager, operation: 'Update', apiVersion, set: new Map(), ...(subresource ? { subresource } : {}) };
    states.push(mine);
  }
  mine.set = union(mine.set, changed);
  mine.apiVersion = apiVersion;
  mine.time = now;

  const out = deepClone(after);
  if (!isObj(out.metadata)) out.metadata = {};
  const entries = encodeManagedFields(states, now);
  if (entries.length > 0) (out.metadata as Obj).managedFields = entries;
  else delete (out.metadata as Obj).managedFields;
  return keepManagedFieldsIfNoop(before, out);
}

/** The User-Agent up to its first `/`, without unprintable characters, at most 128 bytes. */
export function defaultFieldManager(userAgent: string | undefined): string {
  const head = (userAgent ?? '').split('/')[0];
  let out = '';
  for (const ch of head) {
    if (!isPrintable(ch)) continue;
    if (Buffer.byteLength(out + ch, 'utf8') > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
  }
  return out;
}

/** The `fieldManager` query parameter if given, else the User-Agent prefix. */
export function resolveFieldManager(fieldManager: string | undefined, userAgent: string | undefined): string {
  return fieldManager !== undefined && fieldManager !== '' ? fieldManager : defaultFieldManager(userAgent);
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space. */
function isPrintable(ch: string): boolean {
  return PRINTABLE.test(ch);
}

export type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions';

interface OptionsCause {
  reason: string;
  field: string;
  message: string;
}

/** 422 the way the apiserver reports invalid request options: `PatchOptions.meta.k8s.io "" is invalid: ...`. */
export function invalidOptions(kind: OptionsKind, causes: OptionsCause[]): KubeStatusError {
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const agg = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new KubeStatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${kind}.meta.k8s.io "" is invalid: ${agg}`,
    reason: 'Invalid',
    details: { group: 'meta.k8s.io', kind, causes },
    code: 422,
  });
}

function quoteGo(s: string): string {
  return JSON.stringify(s);
}

/**
 * Validates a `fieldManager` query parameter (§5 C7; §10 A3): at most 128
 * bytes of printable characters; required for apply. Throws 422.
 */
export function validateFieldManager(fieldManager: string | undefined, kind: OptionsKind, opts: { apply?: boolean } = {}): void {
  const causes: OptionsCause[] = [];
  if (fieldManager === undefined || fieldManager === '') {
    if (opts.apply) causes.push({ reason: 'FieldValueRequired', field: 'fieldManager', message: 'Required value: is required for apply patch' });
  } else {
    if (Buffer.byteLength(fieldManager, 'utf8') > FIELD_MANAGER_MAX_LENGTH) {
      causes.push({ reason: 'FieldValueTooLong', field: 'fieldManager', message: `Too long: may not be more than ${FIELD_MANAGER_MAX_LENGTH} bytes` });
    }
    let i = 0;
    for (const ch of fieldManager) {
      if (!isPrintable(ch)) {
        const cp = ch.codePointAt(0) ?? 0;
        const u = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
        causes.push({
          reason: 'FieldValueInvalid',
          field: 'fieldManager',
          message: `Invalid value: ${quoteGo(fieldManager)}: invalid character ${u} (at position ${i})`,
        });
      }
      i += Buffer.byteLength(ch, 'utf8');
    }
  }
  if (causes.length > 0) throw invalidOptions(kind, causes);
}

/** `force` is only allowed on apply patches (§10 A3). */
export function validateForce(force: boolean | undefined, isApply: boolean): void {
  if (force && !isApply) {
    throw invalidOptions('PatchOptions', [{ reason: 'FieldValueForbidden', field: 'force', message: 'Forbidden: may not be specified for non-apply patch' }]);
  }
}

/** 400 when an apply body carries managedFields (§10 A3). */
export function rejectManagedFieldsInIntent(intent: unknown): void {
  if (isObj(intent) && isObj(intent.metadata) && intent.metadata.managedFields !== undefined && intent.metadata.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }
}
