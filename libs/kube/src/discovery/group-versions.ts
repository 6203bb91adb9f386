import { createHash } from 'node:crypto';
import type { ResourceType } from '../resources';

// Helpers shared by the legacy and aggregated discovery documents.

const VERSION_RE = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/** Kubernetes version priority: GA > beta > alpha, higher numbers first, others last by name. */
export function compareKubeVersions(a: string, b: string): number {
  const ma = VERSION_RE.exec(a);
  const mb = VERSION_RE.exec(b);
  if (!ma || !mb) return ma ? -1 : mb ? 1 : a.localeCompare(b);
  const rank = (m: RegExpExecArray) => (m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0);
  if (rank(ma) !== rank(mb)) return rank(mb) - rank(ma);
  if (ma[1] !== mb[1]) return Number(mb[1]) - Number(ma[1]);
  return Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}

/** Groups in first-seen order, each with its versions, preferred first. */
export function groupsOf(resources: readonly ResourceType[]): { name: string; versions: string[] }[] {
  const map = new Map<string, Set<string>>();
  for (const r of resources) {
    if (!map.has(r.group)) map.set(r.group, new Set());
    map.get(r.group)!.add(r.version);
  }
  return [...map].map(([name, vs]) => ({ name, versions: [...vs].sort(compareKubeVersions) }));
}

export function groupVersionString(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** Same construction as the apiserver: base64 of the first 8 bytes of sha256("group/version/kind"). */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

export interface SubresourceInfo {
  name: string;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
}

/** What each subresource answers with (kind) and which verbs it takes. */
export function subresourcesOf(rt: ResourceType): SubresourceInfo[] {
  return rt.subresources.map((s) => {
    switch (s) {
      case 'status':
        return { name: 'status', kind: rt.kind, verbs: ['get', 'patch', 'update'] };
      case 'finalize':
        return { name: 'finalize', kind: rt.kind, verbs: ['update'] };
      case 'token':
        return { name: 'token', group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] };
      case 'scale':
        return { name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] };
    }
  });
}
