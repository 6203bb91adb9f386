import { badRequest } from '../status';
import { deepClone } from '../meta/deep-equal';
import { setOwn } from '../meta/own-property';

// JSON merge patch, RFC 7386 (kubernetes-api.md §9 X1).

type Obj = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Obj = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else setOwn(out, k, merge(out[k], v));
  }
  return out;
}

/** Applies `patch` to a copy of `target`; a patch that is not a JSON object is a 400. */
export function applyMergePatch<T = Record<string, unknown>>(target: unknown, patch: unknown): T {
  if (!isPlainObject(patch)) throw badRequest('the merge patch must be a JSON object');
  return merge(deepClone(target), patch) as T;
}
