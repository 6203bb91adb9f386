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
import type { ChangeSignal, WorkspaceStore } from '@kplane/store';
import { ChangeFeed, ChangeTrackedCache } from './change-tracked-cache';

export const CRD_STORAGE_KEY = 'customresourcedefinitions.apiextensions.k8s.io';

/** What one workspace serves: the built-in kinds plus the custom resources of its CRDs. */
export interface WorkspaceApi {
  resources: ResourceType[];
  crds: CustomResourceDefinition[];
  openApiExtras: OpenApiExtraGroupVersion[];
  custom(group: string, version: string, resource: string): CustomResourceInfo | undefined;
  schemaFor(info: CustomResourceInfo): CompiledCrdSchema | undefined;
}

/**
 * Per-workspace API surface. Cached per replica and dropped when a CRD write is signalled
 * (ChangeTrackedCache); without a trusted entry it is re-validated with a one-row stamp of the
 * CRD table, so a CRD written through any replica is served by every replica (§3 D5).
 */
export class ApiRegistry {
  private readonly cache = new ChangeTrackedCache<WorkspaceApi>(new Set([CRD_STORAGE_KEY]));
  private readonly schemas = new CrdSchemaCache(2048);

  /** `revalidate`: check the stamp even when the entry is trusted (discovery, unknown resources). */
  async forWorkspace(workspaceId: string, store: WorkspaceStore, feed?: ChangeFeed, opts: { revalidate?: boolean } = {}): Promise<WorkspaceApi> {
    return this.cache.get(workspaceId, feed, {
      stamp: () => store.resourceStamp(CRD_STORAGE_KEY),
      load: async (stamp) => this.build(stamp === '0/0' ? [] : ((await store.list(CRD_STORAGE_KEY, {})).items as CustomResourceDefinition[])),
    }, opts);
  }

  observe(signal: ChangeSignal): void {
    this.cache.observe(signal);
  }

  invalidate(workspaceId: string): void {
    this.cache.invalidate(workspaceId);
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
