import { JSONPath } from 'jsonpath-plus';

// Kubernetes JSONPath (client-go util/jsonpath) as used by CRDs: printer
// columns (`.status.conditions[?(@.type=="Ready")].status`), selectable fields
// and scale paths (`.spec.replicas`). Evaluation goes through jsonpath-plus.

type Obj = Record<string, unknown>;

/** `{.a.b}` or `.a.b` to the inner `.a.b`. */
function unwrap(path: string): string {
  const p = path.trim();
  return p.startsWith('{') && p.endsWith('}') ? p.slice(1, -1).trim() : p;
}

/**
 * A Kubernetes JSONPath in jsonpath-plus syntax: `$` prefixed, and dotted
 * field names that need it (escaped dots `a\.b`, `/`, `-`) turned into `['…']`.
 */
export function toJsonPathPlus(k8sPath: string): string {
  const inner = unwrap(k8sPath);
  // client-go also accepts `{spec.x}` without the leading dot
  const p = inner && !inner.startsWith('.') && !inner.startsWith('[') ? `.${inner}` : inner;
  let out = '$';
  let i = 0;
  while (i < p.length) {
    const c = p[i];
    if (c === '[') {
      // copy the bracket expression through its matching `]`, respecting quotes and parentheses
      let depth = 0;
      let quote = '';
      let j = i;
      for (; j < p.length; j++) {
        const d = p[j];
        if (quote) {
          if (d === '\\') j++;
          else if (d === quote) quote = '';
          continue;
        }
        if (d === '"' || d === "'") quote = d;
        else if (d === '[' || d === '(') depth++;
        else if (d === ']' || d === ')') {
          depth--;
          if (depth === 0 && d === ']') break;
        }
      }
      if (j >= p.length) throw new Error(`unterminated [ in JSONPath ${JSON.stringify(k8sPath)}`);
      out += p.slice(i, j + 1);
      i = j + 1;
    } else if (c === '.') {
      if (p[i + 1] === '.') {
        // recursive descent: emit one dot, the next step adds the second
        out += '.';
        i++;
        continue;
      }
      i++;
      let name = '';
      while (i < p.length && p[i] !== '.' && p[i] !== '[') {
        if (p[i] === '\\' && i + 1 < p.length) {
          name += p[i + 1];
          i += 2;
        } else name += p[i++];
      }
      if (name === '') continue;
      out += name === '*' ? '.*' : /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `['${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
    } else {
      throw new Error(`unexpected ${JSON.stringify(c)} in JSONPath ${JSON.stringify(k8sPath)}`);
    }
  }
  return out;
}

/** Every match of `k8sPath` in `obj` (empty when nothing matches or the path does not parse). */
export function evalJsonPath(k8sPath: string, obj: unknown): unknown[] {
  try {
    const r = JSONPath({ path: toJsonPathPlus(k8sPath), json: obj as Obj, wrap: true, eval: 'safe' }) as unknown;
    return Array.isArray(r) ? r : [];
  } catch {
    return [];
  }
}

/**
 * The field names of a simple path (`.spec.replicas`, `.metadata.labels['a.b/c']`):
 * no array steps, wildcards or filters. Undefined when the path is not simple.
 */
export function parseSimplePath(path: string): string[] | undefined {
  if (!path.startsWith('.')) return undefined;
  const segs: string[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === '.') {
      i++;
      let name = '';
      while (i < path.length && path[i] !== '.' && path[i] !== '[') {
        if (path[i] === '\\' && i + 1 < path.length) {
          name += path[i + 1];
          i += 2;
        } else name += path[i++];
      }
      if (!name || name === '*') return undefined;
      segs.push(name);
    } else if (path[i] === '[') {
      const m = /^\[\s*(['"])(.*?)\1\s*\]/.exec(path.slice(i));
      if (!m || m[2] === '' || m[2] === '*') return undefined;
      segs.push(m[2]);
      i += m[0].length;
    } else return undefined;
  }
  return segs.length ? segs : undefined;
}

export function getAtPath(obj: unknown, segs: readonly string[]): unknown {
  let cur = obj;
  for (const s of segs) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Obj)[s];
  }
  return cur;
}

/** A copy of `obj` with `value` at `segs`, creating (or replacing non-object) parents. */
export function setAtPath(obj: Obj, segs: readonly string[], value: unknown): Obj {
  const [head, ...rest] = segs;
  if (head === undefined) return obj;
  if (rest.length === 0) return { ...obj, [head]: value };
  const child = obj[head];
  const base = child !== null && typeof child === 'object' && !Array.isArray(child) ? (child as Obj) : {};
  return { ...obj, [head]: setAtPath(base, rest, value) };
}
