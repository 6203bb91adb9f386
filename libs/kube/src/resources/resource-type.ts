// Static description of an API resource: everything discovery, validation,
// selectors and tables need to know about a kind, independent of storage.

export type Subresource = 'status' | 'finalize' | 'token' | 'scale';
export type NameRule = 'dns1123-label' | 'dns1123-subdomain' | 'path-segment';

export interface ResourceType {
  group: string;
  version: string;
  /** Plural, as in the URL. */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: Subresource[];
  nameRule: NameRule;
  tracksGeneration: boolean;
  /** Extra selectable fields beyond metadata.name / metadata.namespace. */
  fieldSelectors: string[];
}

export const STANDARD_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** `v1` for the core group, `group/version` otherwise. */
export function apiVersionOf(rt: Pick<ResourceType, 'group' | 'version'>): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

/** Whether objects of this type are stored (create-only review kinds are not). */
export function isPersisted(rt: ResourceType): boolean {
  return rt.verbs.includes('get');
}
