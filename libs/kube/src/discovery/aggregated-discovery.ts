import type { ResourceType } from '../resources';
import { groupsOf, subresourcesOf } from './group-versions';

// Aggregated discovery (apidiscovery.k8s.io v2 and v2beta1, kubernetes-api.md
// §3 D4): one document for /api and one for /apis, so kubectl needs only two calls.

export type AggregatedDiscoveryVersion = 'apidiscovery.k8s.io/v2' | 'apidiscovery.k8s.io/v2beta1';

export type DiscoveryNegotiation = { aggregated: false } | { aggregated: true; version: 'v2' | 'v2beta1'; contentType: string };

function resourceEntry(rt: ResourceType): Record<string, unknown> {
  const e: Record<string, unknown> = {
    resource: rt.resource,
    responseKind: { group: rt.group, version: rt.version, kind: rt.kind },
    scope: rt.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: rt.singular,
    verbs: rt.verbs,
  };
  if (rt.shortNames.length) e.shortNames = rt.shortNames;
  if (rt.categories.length) e.categories = rt.categories;
  const subs = subresourcesOf(rt);
  if (subs.length) {
    e.subresources = subs.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group ?? rt.group, version: s.version ?? rt.version, kind: s.kind },
      verbs: s.verbs,
    }));
  }
  return e;
}

export function aggregatedDiscovery(
  resources: readonly ResourceType[],
  scope: 'core' | 'apis',
  apiVersion: AggregatedDiscoveryVersion = 'apidiscovery.k8s.io/v2',
): Record<string, unknown> {
  const mine = resources.filter((r) => (scope === 'core' ? r.group === '' : r.group !== ''));
  const items = groupsOf(mine).map((g) => ({
    metadata: g.name ? { name: g.name } : {},
    versions: g.versions.map((v) => ({
      version: v,
      resources: mine.filter((r) => r.group === g.name && r.version === v).map(resourceEntry),
      freshness: 'Current',
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion, metadata: {}, items };
}

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
  index: number;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, index) => {
      const [type, ...rest] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      }
      const q = params.q !== undefined ? Number(params.q) : 1;
      return { type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((m) => m.type !== '' && m.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
}

/** Picks aggregated discovery when the client asks for it, preferring its own order. */
export function negotiateDiscovery(acceptHeader: string | undefined): DiscoveryNegotiation {
  for (const m of parseAccept(acceptHeader)) {
    if (m.type !== 'application/json') continue;
    const { g, v, as, profile } = m.params;
    if (g !== 'apidiscovery.k8s.io' || as !== 'APIGroupDiscoveryList') continue;
    if (profile !== undefined && profile !== 'nopeer') continue;
    if (v === 'v2' || v === 'v2beta1') {
      return { aggregated: true, version: v, contentType: `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList` };
    }
  }
  return { aggregated: false };
}
