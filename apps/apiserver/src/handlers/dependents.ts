import { findResourceByKind, markDeleting, ResourceType, storageKey, fieldValuesOf } from '@kplane/kube';
import { isFinalizerHeld, isStoreError, KubeObject, WorkspaceStore } from '@kplane/store';

type Obj = Record<string, unknown>;

export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/** Resolves the storage key of an object from its apiVersion and kind; null for kinds we do not serve. */
export function storageKeyOf(obj: KubeObject): string | null {
  const [group, version] = String(obj.apiVersion ?? '').includes('/') ? String(obj.apiVersion).split('/') : ['', String(obj.apiVersion ?? '')];
  const rt = findResourceByKind(group, version, String(obj.kind ?? ''));
  return rt ? storageKey(rt) : null;
}

/**
 * Foreground deletion (§11 G5): the owner waits, marked with `foregroundDeletion`, until its
 * dependents are gone; then the finalizer is dropped and, if nothing else holds it, the owner goes.
 * Every step is idempotent; a crash leaves the owner marked and a later DELETE or sweep resumes.
 */
export async function completeForegroundDeletion(store: WorkspaceStore, rt: ResourceType, owner: KubeObject): Promise<void> {
  const key = storageKey(rt);
  for (const dependent of await store.dependentsOf(owner.metadata.uid)) {
    const depKey = storageKeyOf(dependent);
    if (!depKey) continue;
    try {
      if (isFinalizerHeld(dependent)) {
        const [group, version] = splitApiVersion(String(dependent.apiVersion));
        const rt = findResourceByKind(group, version, String(dependent.kind))!;
        if (!(dependent.metadata as Obj).deletionTimestamp) {
          const marked = markDeleting(rt, dependent) as KubeObject;
          await store.update(depKey, marked, fieldValuesOf(rt, marked), { expectedResourceVersion: dependent.metadata.resourceVersion });
        }
      } else {
        await store.delete(depKey, dependent.metadata.namespace ?? '', dependent.metadata.name, { expectedUid: dependent.metadata.uid });
      }
    } catch (err) {
      if (!isStoreError(err, 'STORE_NOT_FOUND') && !isStoreError(err, 'STORE_CONFLICT')) throw err;
    }
  }
  // Dependents of dependents go through the background collector.
  await store.collectGarbage();
  if ((await store.dependentsOf(owner.metadata.uid, { blockingOnly: true })).length > 0) return;
  const current = await store.get(key, owner.metadata.namespace ?? '', owner.metadata.name);
  if (!current || current.metadata.uid !== owner.metadata.uid) return;
  const finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== FOREGROUND_FINALIZER);
  if (finalizers.length === 0) {
    await store.delete(key, current.metadata.namespace ?? '', current.metadata.name, { expectedUid: current.metadata.uid });
    return;
  }
  const next = { ...current, metadata: { ...current.metadata, finalizers } } as KubeObject;
  await store.update(key, next, fieldValuesOf(rt, next), { expectedResourceVersion: current.metadata.resourceVersion });
}

function splitApiVersion(apiVersion: string): [string, string] {
  return apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
}
