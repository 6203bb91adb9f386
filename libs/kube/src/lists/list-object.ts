import { apiVersionOf, ResourceType } from '../resources';

// List responses (kubernetes-api.md §6 L1, L3).

export interface ListMetaOptions {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface ListObject<T = Record<string, unknown>> {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export function listKindOf(rt: Pick<ResourceType, 'kind' | 'listKind'>): string {
  return rt.listKind || `${rt.kind}List`;
}

/** `{kind: ConfigMapList, apiVersion, metadata: {resourceVersion, continue?}, items}`. */
export function toListObject<T>(rt: ResourceType, items: T[], opts: ListMetaOptions): ListObject<T> {
  const metadata: ListObject['metadata'] = { resourceVersion: opts.resourceVersion };
  if (opts.continue) {
    metadata.continue = opts.continue;
    // remainingItemCount only makes sense alongside a continue token
    if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  }
  return { kind: listKindOf(rt), apiVersion: apiVersionOf(rt), metadata, items };
}
