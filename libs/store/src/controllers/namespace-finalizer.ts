import { isStoreError } from '../store.errors';
import type { KubeObject } from '../objects/kube-object.types';
import type { WorkspaceStore } from '../objects/workspace-store';

type Obj = Record<string, unknown>;

/** The finalizer the namespace controller owns in `spec.finalizers` (kubernetes-api.md §12 N2). */
const KUBERNETES_FINALIZER = 'kubernetes';

export type NamespaceFinalization = 'removed' | 'waiting-for-content' | 'waiting-for-finalizers' | 'not-terminating';

/**
 * The namespace controller for one namespace: delete its contents (set-based, in the store),
 * then drop the `kubernetes` spec finalizer and remove the namespace once nothing holds it.
 * Safe to run again at any point.
 */
export async function finalizeNamespace(store: WorkspaceStore, name: string): Promise<NamespaceFinalization> {
  const ns = await store.get('namespaces', '', name);
  if (!ns || !(ns.metadata as Obj).deletionTimestamp) return 'not-terminating';
  const { remaining } = await store.deleteNamespaceContents(name);
  if (remaining > 0) return 'waiting-for-content';
  let current: KubeObject = ns;
  const specFinalizers = ((current.spec as Obj | undefined)?.finalizers as string[] | undefined) ?? [];
  if (specFinalizers.includes(KUBERNETES_FINALIZER)) {
    const next = { ...current, spec: { ...(current.spec as Obj), finalizers: specFinalizers.filter((f) => f !== KUBERNETES_FINALIZER) } };
    current = await store.update('namespaces', next as KubeObject, { 'status.phase': 'Terminating' }, { expectedResourceVersion: current.metadata.resourceVersion });
  }
  const left = [...(((current.spec as Obj | undefined)?.finalizers as string[] | undefined) ?? []), ...(((current.metadata as Obj).finalizers as string[] | undefined) ?? [])];
  if (left.length > 0) return 'waiting-for-finalizers';
  try {
    await store.delete('namespaces', '', name, { expectedUid: current.metadata.uid });
  } catch (err) {
    if (!isStoreError(err, 'STORE_NOT_FOUND')) throw err;
  }
  return 'removed';
}

/** Finalizes every terminating namespace of a workspace; returns how many were removed. */
export async function finalizeTerminatingNamespaces(store: WorkspaceStore): Promise<number> {
  const { items } = await store.list('namespaces', { fieldSelector: [{ field: 'status.phase', op: 'eq', value: 'Terminating' }] });
  let removed = 0;
  for (const ns of items) {
    try {
      if ((await finalizeNamespace(store, ns.metadata.name)) === 'removed') removed++;
    } catch (err) {
      // A concurrent write (the API server finalizing the same namespace) wins; the next sweep retries.
      if (!isStoreError(err, 'STORE_CONFLICT')) throw err;
    }
  }
  return removed;
}
