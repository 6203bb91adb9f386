// Field paths and field sets in the structured-merge-diff shape (FieldsV1).
//
// A path is a list of FieldsV1 element strings:
//   f:<name>           a map or struct field
//   k:<json object>    an item of a keyed (map-type) list, keys sorted, compact JSON
//   v:<json value>     an item of a set list
//   i:<index>          an item by position (only read from foreign FieldsV1; never produced)
// A set maps a path key (elements joined by NUL) to its elements.

export type Obj = Record<string, unknown>;
export type PathElements = readonly string[];
export type FieldSet = Map<string, PathElements>;

/** The FieldsV1 JSON shape stored in `metadata.managedFields[].fieldsV1`. */
export type FieldsV1 = { [element: string]: FieldsV1 };

const SEP = '\u0000';

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function pathKey(els: PathElements): string {
  return els.join(SEP);
}

export function newSet(paths: Iterable<PathElements> = []): FieldSet {
  const s: FieldSet = new Map();
  for (const p of paths) s.set(pathKey(p), p);
  return s;
}

export function union(...sets: FieldSet[]): FieldSet {
  const out: FieldSet = new Map();
  for (const s of sets) for (const [k, v] of s) out.set(k, v);
  return out;
}

export function difference(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = new Map();
  for (const [k, v] of a) if (!b.has(k)) out.set(k, v);
  return out;
}

export function intersection(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = new Map();
  for (const [k, v] of a) if (b.has(k)) out.set(k, v);
  return out;
}

export function setsEqual(a: FieldSet, b: FieldSet): boolean {
  if (a.size !== b.size) return false;
  for (const k of a.keys()) if (!b.has(k)) return false;
  return true;
}

/** Whether `s` holds `els` itself or any path below it. */
export function hasPathOrDescendant(s: FieldSet, els: PathElements): boolean {
  const k = pathKey(els);
  if (s.has(k)) return true;
  const prefix = k + SEP;
  for (const key of s.keys()) if (key.startsWith(prefix)) return true;
  return false;
}

/** `s` without `els` and everything below it. */
export function withoutSubtree(s: FieldSet, els: PathElements): FieldSet {
  const k = pathKey(els);
  const prefix = k + SEP;
  const out: FieldSet = new Map();
  for (const [key, v] of s) if (key !== k && !key.startsWith(prefix)) out.set(key, v);
  return out;
}

/** Compact JSON with object keys sorted, as structured-merge-diff writes `k:` and `v:` elements. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObj(v)) {
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function elementOrder(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '.') return -1;
  if (b === '.') return 1;
  return a < b ? -1 : 1;
}

interface Node {
  member: boolean;
  children: Map<string, Node>;
}

/** Set to the FieldsV1 tree: `{}` for a leaf, `".": {}` when a member also has children. */
export function toFieldsV1(s: FieldSet): FieldsV1 {
  const root: Node = { member: false, children: new Map() };
  for (const els of s.values()) {
    let n = root;
    for (const e of els) {
      let c = n.children.get(e);
      if (!c) n.children.set(e, (c = { member: false, children: new Map() }));
      n = c;
    }
    n.member = true;
  }
  const render = (n: Node): FieldsV1 => {
    const out: FieldsV1 = {};
    if (n.member && n.children.size > 0) out['.'] = {};
    for (const k of [...n.children.keys()].sort(elementOrder)) out[k] = render(n.children.get(k) as Node);
    return out;
  };
  return render(root);
}

/** FieldsV1 tree to set; tolerant of anything that is not an object. */
export function fromFieldsV1(tree: unknown, prefix: PathElements = []): FieldSet {
  const out: FieldSet = new Map();
  const walk = (t: unknown, p: PathElements): void => {
    if (!isObj(t)) return;
    for (const [k, v] of Object.entries(t)) {
      if (k === '.') {
        if (p.length > 0) out.set(pathKey(p), p);
        continue;
      }
      const child = [...p, k];
      if (!isObj(v) || Object.keys(v).length === 0) out.set(pathKey(child), child);
      else walk(v, child);
    }
  };
  walk(tree, prefix);
  return out;
}

function valueString(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : canonicalJson(v);
}

/** The apiserver's rendering of a path in conflict messages: `.data.k1`, `.metadata.ownerReferences[uid="u1"].name`. */
export function pathString(els: PathElements): string {
  return els
    .map((e) => {
      const body = e.slice(2);
      switch (e.slice(0, 2)) {
        case 'f:':
          return `.${body}`;
        case 'k:': {
          let key: unknown;
          try {
            key = JSON.parse(body);
          } catch {
            return `[${body}]`;
          }
          if (!isObj(key)) return `[${body}]`;
          return `[${Object.keys(key)
            .sort()
            .map((k) => `${k}=${valueString(key[k])}`)
            .join(',')}]`;
        }
        case 'v:':
          return `[=${body}]`;
        case 'i:':
          return `[${body}]`;
        default:
          return `.${e}`;
      }
    })
    .join('');
}

/** Parses a `k:` element into its key fields, or undefined. */
function keyOf(e: string): Obj | undefined {
  try {
    const k = JSON.parse(e.slice(2)) as unknown;
    return isObj(k) ? k : undefined;
  } catch {
    return undefined;
  }
}

function parseValue(e: string): { ok: boolean; value?: unknown } {
  try {
    return { ok: true, value: JSON.parse(e.slice(2)) };
  } catch {
    return { ok: false };
  }
}

/** Index of the list item a `k:`/`v:`/`i:` element names, or -1. */
export function findListItem(list: unknown[], e: string, eq: (a: unknown, b: unknown) => boolean): number {
  if (e.startsWith('k:')) {
    const key = keyOf(e);
    if (!key) return -1;
    return list.findIndex((item) => isObj(item) && Object.keys(key).every((k) => eq(item[k], key[k])));
  }
  if (e.startsWith('v:')) {
    const v = parseValue(e);
    return v.ok ? list.findIndex((item) => eq(item, v.value)) : -1;
  }
  if (e.startsWith('i:')) {
    const i = Number(e.slice(2));
    return Number.isInteger(i) && i >= 0 && i < list.length ? i : -1;
  }
  return -1;
}
