import {
  BUILTIN_RESOURCES,
  compileCrdSchema,
  CompiledCrdSchema,
  CrdSchemaCache,
  CustomResourceDefinition,
  CustomResourceInfo,
  customResourceInfos,
  findResource,
  isCrdServing,
  OpenApiExtraGroupVersion,
  openApiExtrasFromCrds,
  ResourceType,
} from '@kplane/kube';
import type { WorkspaceStore } from '@kplane/store';

export const CRD_STORAGE_KEY = 'customresourcedefinitions.apiextensions.k8s.io';

/** What one workspace serves: the built-in kinds plus the custom resources of its CRDs. */
export interface WorkspaceApi {
  resources: ResourceType[];
  crds: CustomResourceDefinition[];
  openApiExtras: OpenApiExtraGroupVersion[];
  custom(group: string, version: string, resource: string): CustomResourceInfo | undefined;
  schemaFor(info: CustomResourceInfo): CompiledCrdSchema | undefined;
}

interface CacheEntry {
  stamp: string;
  api: WorkspaceApi;
}

const MAX_WORKSPACES = 1000;

/**
 * Per-workspace API surface, cached and re-validated on every use with a one-row stamp of the
 * CRD table, so a CRD written through any replica is served by every replica at once (§3 D5).
 */
export class ApiRegistry {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly schemas = new CrdSchemaCache(2048);

  async forWorkspace(workspaceId: string, store: WorkspaceStore): Promise<WorkspaceApi> {
    const stamp = await store.resourceStamp(CRD_STORAGE_KEY);
    const hit = this.cache.get(workspaceId);
    if (hit && hit.stamp === stamp) return hit.api;
    const crds = stamp === '0/0' ? [] : ((await store.list(CRD_STORAGE_KEY, {})).items as CustomResourceDefinition[]);
    const api = this.build(crds);
    this.cache.delete(workspaceId);
    this.cache.set(workspaceId, { stamp, api });
    if (this.cache.size > MAX_WORKSPACES) this.cache.delete(this.cache.keys().next().value as string);
    return api;
  }

  private build(crds: CustomResourceDefinition[]): WorkspaceApi {
    const infos = new Map<string, CustomResourceInfo>();
    const serving = crds.filter((c) => isCrdServing(c) && !c.metadata?.deletionTimestamp);
    for (const crd of serving) {
      for (const info of customResourceInfos(crd)) infos.set(`${info.rt.group}/${info.rt.version}/${info.rt.resource}`, info);
    }
    const schemas = this.schemas;
    return {
      resources: [...BUILTIN_RESOURCES, ...[...infos.values()].map((i) => i.rt)],
      crds,
      openApiExtras: openApiExtrasFromCrds(serving),
      custom: (group, version, resource) => infos.get(`${group}/${version}/${resource}`),
      schemaFor(info) {
        const schema = info.version.schema?.openAPIV3Schema;
        if (!schema) return undefined;
        const uid = String(info.crd.metadata?.uid ?? '');
        const rv = String(info.crd.metadata?.resourceVersion ?? '');
        return schemas.getOrCompile(uid, rv, info.rt.version, () => compileCrdSchema(schema, { kind: info.rt.kind, group: info.rt.group, version: info.rt.version }));
      },
    };
  }
}

/** A built-in type, or a custom resource type of this workspace. */
export function lookupResource(api: WorkspaceApi | null, group: string, version: string, resource: string): { rt: ResourceType; custom?: CustomResourceInfo } | undefined {
  const builtin = findResource(group, version, resource);
  if (builtin) return { rt: builtin };
  const custom = api?.custom(group, version, resource);
  return custom ? { rt: custom.rt, custom } : undefined;
}
