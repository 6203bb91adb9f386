import { randomUUID } from 'node:crypto';
import { StoreError } from '../store.errors';
import { KubeObject } from './kube-object.types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The indexed columns of an object row, derived from the object and the caller's fields. */
export interface ObjectRow {
  resource: string;
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  fields: Record<string, string>;
  owners: string[];
}

export function toObjectRow(resource: string, obj: KubeObject, fields: Record<string, string> | undefined): ObjectRow {
  if (typeof resource !== 'string' || resource.length === 0) throw new StoreError('STORE_INVALID_NAME', 'resource must be a non-empty string');
  const md = obj?.metadata;
  if (!md || typeof md.name !== 'string' || md.name.length === 0) throw new StoreError('STORE_INVALID_NAME', 'metadata.name must be a non-empty string');
  const namespace = md.namespace ?? '';
  if (typeof namespace !== 'string') throw new StoreError('STORE_INVALID_NAME', 'metadata.namespace must be a string');
  const uid = md.uid ?? randomUUID();
  if (typeof uid !== 'string' || !UUID.test(uid)) throw new StoreError('STORE_INVALID_NAME', 'metadata.uid must be a uuid');
  // Only well-formed uids go into the owners index; GC looks objects up by owner uid.
  const owners = (Array.isArray(md.ownerReferences) ? md.ownerReferences : [])
    .map((r) => r?.uid)
    .filter((u): u is string => typeof u === 'string' && UUID.test(u))
    .map((u) => u.toLowerCase());
  return { resource, namespace, name: md.name, uid: uid.toLowerCase(), labels: md.labels ?? {}, fields: fields ?? {}, owners: [...new Set(owners)] };
}

/** The body as stored and served: the object with resourceVersion (and uid) from the row. */
export function withRevision(obj: KubeObject, rv: string, uid: string): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, uid, resourceVersion: rv } };
}
