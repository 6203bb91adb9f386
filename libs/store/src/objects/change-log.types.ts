import { KubeObject } from './kube-object.types';

/** One row of the change log, as watchers need it (selectors are evaluated on new and previous). */
export interface ChangeEvent {
  rv: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: string;
  namespace: string;
  name: string;
  uid: string;
  /** The object after the change (for DELETED: the last state with the delete's rv). */
  object: KubeObject;
  fields: Record<string, string>;
  /** Labels and fields before the change; null for ADDED. */
  prevLabels: Record<string, string> | null;
  prevFields: Record<string, string> | null;
}

export interface CompactOptions {
  /** Keep every change younger than this. */
  keepSeconds: number;
  /** Keep at least this many of the newest revisions. */
  keepCount: number;
}

export interface CompactResult {
  deleted: number;
  /** Watches from a revision older than this get STORE_EXPIRED (410). */
  compactedResourceVersion: string;
}
