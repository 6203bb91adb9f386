import { isStoreError } from '../store.errors';
import type { KubeObject } from '../objects/kube-object.types';
import type { WorkspaceStore } from '../objects/workspace-store';

export const CRD_STORAGE_KEY = 'customresourcedefinitions.apiextensions.k8s.io';
export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

type Obj = Record<string, unknown>;

/** Storage key of a CRD's custom resources: `<plural>.<group>`. */
export function customResourceStorageKey(crd: KubeObject): string {
  const spec = (crd.spec ?? {}) as Obj;
  const names = (spec.names ?? {}) as Obj;
  return `${String(names.plural ?? '')}.${String(spec.group ?? '')}`;
}

export type CrdFinalization = 'removed' | 'waiting-for-instances' | 'waiting-for-finalizers' | 'not-terminating';

/**
 * The apiextensions finalizer (§13 K11): delete every custom resource of a terminating CRD in the
 * store (set-based), drop its selectable-field indexes, then remove the finalizer and the CRD.
 * Safe to run again at any point.
 */
export async function finalizeCrd(store: WorkspaceStore, name: string): Promise<CrdFinalization> {
  const crd = await store.get(CRD_STORAGE_KEY, '', name);
  if (!crd || !crd.metadata.deletionTimestamp) return 'not-terminating';
  const key = customResourceStorageKey(crd);
  const { remaining } = await store.deleteAllOfResource(key);
  if (remaining > 0) return 'waiting-for-instances';
  await store.syncSelectableFieldIndexes(key, []);
  const finalizers = (crd.metadata.finalizers ?? []).filter((f) => f !== CRD_CLEANUP_FINALIZER);
  if (finalizers.length > 0) {
    if (finalizers.length !== (crd.metadata.finalizers ?? []).length) {
      await store.update(CRD_STORAGE_KEY, { ...crd, metadata: { ...crd.metadata, finalizers } }, undefined, { expectedResourceVersion: crd.metadata.resourceVersion });
    }
    return 'waiting-for-finalizers';
  }
  try {
    await store.delete(CRD_STORAGE_KEY, '', name, { expectedUid: crd.metadata.uid });
  } catch (err) {
    if (!isStoreError(err, 'STORE_NOT_FOUND')) throw err;
  }
  return 'removed';
}

/** Finalizes every terminating CRD of a workspace (the worker's sweep); returns how many went. */
export async function finalizeTerminatingCrds(store: WorkspaceStore): Promise<number> {
  const { items } = await store.list(CRD_STORAGE_KEY, {});
  let removed = 0;
  for (const crd of items.filter((c) => c.metadata.deletionTimestamp)) {
    try {
      if ((await finalizeCrd(store, crd.metadata.name)) === 'removed') removed++;
    } catch (err) {
      if (!isStoreError(err, 'STORE_CONFLICT')) throw err;
    }
  }
  return removed;
}
