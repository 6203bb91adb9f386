import type { ResourceType } from '../resources';
import { groupsOf, groupVersionString, storageVersionHash, subresourcesOf } from './group-versions';

// Legacy discovery documents: /api, /apis, /apis/<g>, /api/v1, /apis/<g>/<v>
// (kubernetes-api.md §3 D2, D3).

export interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

export interface APIGroup {
  kind?: 'APIGroup';
  apiVersion?: 'v1';
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion: GroupVersionForDiscovery;
}

export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function group(name: string, versions: string[]): APIGroup {
  const gvs = versions.map((v) => ({ groupVersion: groupVersionString(name, v), version: v }));
  return { name, versions: gvs, preferredVersion: gvs[0] };
}

/** `/apis`: every named group (the core group lives under `/api`). */
export function apiGroupList(resources: readonly ResourceType[]): { kind: 'APIGroupList'; apiVersion: 'v1'; groups: APIGroup[] } {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groupsOf(resources.filter((r) => r.group !== '')).map((g) => group(g.name, g.versions)),
  };
}

/** `/apis/<name>`; undefined when no resource belongs to the group (a 404). */
export function apiGroup(name: string, resources: readonly ResourceType[]): APIGroup | undefined {
  const g = groupsOf(resources.filter((r) => r.group === name))[0];
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...group(name, g.versions) } : undefined;
}

function parseGroupVersion(gv: string): [string, string] {
  const i = gv.indexOf('/');
  return i < 0 ? ['', gv] : [gv.slice(0, i), gv.slice(i + 1)];
}

/** `/api/v1` or `/apis/<g>/<v>`, with `resource/sub` entries for subresources. */
export function apiResourceList(groupVersion: string, resources: readonly ResourceType[]): Record<string, unknown> {
  const [g, v] = parseGroupVersion(groupVersion);
  const entries: APIResource[] = [];
  for (const rt of resources.filter((r) => r.group === g && r.version === v)) {
    const main: APIResource = { name: rt.resource, singularName: rt.singular, namespaced: rt.namespaced, kind: rt.kind, verbs: rt.verbs };
    if (rt.shortNames.length) main.shortNames = rt.shortNames;
    if (rt.categories.length) main.categories = rt.categories;
    main.storageVersionHash = storageVersionHash(rt.group, rt.version, rt.kind);
    entries.push(main);
    for (const s of subresourcesOf(rt)) {
      const sub: APIResource = { name: `${rt.resource}/${s.name}`, singularName: '', namespaced: rt.namespaced, kind: s.kind, verbs: s.verbs };
      if (s.group !== undefined) Object.assign(sub, { group: s.group, version: s.version });
      entries.push(sub);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources: entries };
}
