import { FieldRequirement, LabelRequirement } from '../selectors/selector-types';

/** An object as stored and served; body jsonb holds exactly this, rv included. */
export type KubeObject = Record<string, any> & {
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    ownerReferences?: { uid: string }[];
    finalizers?: string[];
    /** Set (RFC 3339, whole seconds) when deletion is pending on finalizers. */
    deletionTimestamp?: string;
    deletionGracePeriodSeconds?: number;
  };
};

export interface ListOptions {
  /** undefined = all namespaces; '' = cluster-scoped objects only. */
  namespace?: string;
  labelSelector?: LabelRequirement[];
  fieldSelector?: FieldRequirement[];
  /**
   * Selector field name -> JSON path in the body (CRD selectableFields, e.g. `spec.size` ->
   * ['spec', 'size']). A requirement on a listed field compares `body #>> path` (missing = "");
   * index it with WorkspaceStore.syncSelectableFieldIndexes. Other fields use the `fields` column.
   */
  fieldPaths?: Record<string, string[]>;
  /** undefined/0 = everything in one result (clients that do not ask must never get a continue). */
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KubeObject[];
  /** The revision the first page reflects; every later page repeats it. */
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/**
 * Per-workspace limits checked inside the write transaction, under the revision lock (so
 * concurrent writers cannot overshoot). null/undefined: unlimited.
 */
export interface StoreQuota {
  maxObjects?: number | null;
  maxStorageBytes?: number | null;
}

export interface CreateOptions {
  quota?: StoreQuota;
}

export interface UpdateOptions {
  expectedResourceVersion?: string;
  /** Only maxStorageBytes applies to updates: an update that grows storage beyond it is refused. */
  quota?: StoreQuota;
}

/** Counters kept in the same transaction as every write (see workspace-ddl.ts v4). */
export interface WorkspaceUsage {
  objects: number;
  /** Sum over stored objects of octet_length(body::text). */
  storageBytes: number;
}

export interface DeleteOptions {
  expectedResourceVersion?: string;
  expectedUid?: string;
}

export interface DeleteCollectionOptions {
  /** undefined = all namespaces; '' = cluster-scoped objects only (as in ListOptions). */
  namespace?: string;
  labelSelector?: LabelRequirement[];
  fieldSelector?: FieldRequirement[];
  /** As in ListOptions. */
  fieldPaths?: Record<string, string[]>;
  /** Objects per transaction (default 1,000, at most 10,000). */
  batchSize?: number;
}

/**
 * True for an object a bulk delete only marked (deletionTimestamp set, still stored): exactly
 * the returned objects whose `metadata.finalizers` is non-empty.
 */
export function isFinalizerHeld(obj: KubeObject): boolean {
  const f: unknown = obj.metadata.finalizers;
  return Array.isArray(f) && f.length > 0;
}
