import { badRequest, notFound } from '@kplane/kube';

/** What a Kubernetes API path names, after the `/clusters/<id>` prefix is gone. */
export type KubePath =
  | { kind: 'version' | 'health' | 'api' | 'apis' | 'openapi-v2' | 'openapi-v3' }
  | { kind: 'openapi-v3-gv'; group: string; version: string }
  | { kind: 'group'; group: string }
  | { kind: 'group-version'; group: string; version: string }
  | { kind: 'resource'; group: string; version: string; resource: string; namespace?: string; name?: string; subresource?: string };

const WORKSPACE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface SplitPath {
  /** Workspace id from `/clusters/<id>`, or undefined when the prefix is missing (kubectl get --raw). */
  workspaceId?: string;
  rest: string[];
}

/** Splits and decodes the path; encoded slashes and dot segments are refused, never normalised. */
export function splitPath(pathname: string): SplitPath {
  if (/%2f|%5c/i.test(pathname)) throw badRequest('encoded slashes are not allowed in paths');
  const raw = pathname.split('/').filter((s, i) => i > 0 || s !== '');
  if (raw.length && raw[raw.length - 1] === '') raw.pop();
  const segments = raw.map((s) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(s);
    } catch {
      throw badRequest('malformed percent-encoding in path');
    }
    if (decoded === '' || decoded === '.' || decoded === '..' || decoded.includes('\0')) throw badRequest(`invalid path segment "${s}"`);
    return decoded;
  });
  if (segments[0] === 'clusters') {
    const id = segments[1];
    if (!id || !WORKSPACE_ID.test(id)) throw notFound('clusters', '', id ?? '');
    return { workspaceId: id, rest: segments.slice(2) };
  }
  return { rest: segments };
}

export function parseKubePath(rest: string[]): KubePath | null {
  const [first, ...more] = rest;
  switch (first) {
    case 'version':
      return more.length === 0 ? { kind: 'version' } : null;
    case 'healthz':
    case 'livez':
    case 'readyz':
      return { kind: 'health' };
    case 'openapi':
      if (more[0] === 'v2' && more.length === 1) return { kind: 'openapi-v2' };
      if (more[0] === 'v3' && more.length === 1) return { kind: 'openapi-v3' };
      if (more[0] === 'v3' && more[1] === 'api' && more[2] === 'v1' && more.length === 3) return { kind: 'openapi-v3-gv', group: '', version: 'v1' };
      if (more[0] === 'v3' && more[1] === 'apis' && more.length === 4) return { kind: 'openapi-v3-gv', group: more[2], version: more[3] };
      return null;
    case 'api':
      if (more.length === 0) return { kind: 'api' };
      if (more[0] !== 'v1') return null;
      if (more.length === 1) return { kind: 'group-version', group: '', version: 'v1' };
      return resourcePath('', 'v1', more.slice(1));
    case 'apis':
      if (more.length === 0) return { kind: 'apis' };
      if (more.length === 1) return { kind: 'group', group: more[0] };
      if (more.length === 2) return { kind: 'group-version', group: more[0], version: more[1] };
      return resourcePath(more[0], more[1], more.slice(2));
    default:
      return null;
  }
}

/** `<res>[/<name>[/<sub>]]` or `namespaces/<ns>/<res>[/<name>[/<sub>]]`; `namespaces/<n>[/sub]` is the namespace itself. */
function resourcePath(group: string, version: string, s: string[]): KubePath | null {
  const namespaceSubresource = group === '' && s.length === 3 && (s[2] === 'status' || s[2] === 'finalize');
  if (s[0] === 'namespaces' && s.length >= 3 && !namespaceSubresource) {
    if (s.length > 5) return null;
    return { kind: 'resource', group, version, namespace: s[1], resource: s[2], name: s[3], subresource: s[4] };
  }
  if (s.length > 3) return null;
  return { kind: 'resource', group, version, resource: s[0], name: s[1], subresource: s[2] };
}
