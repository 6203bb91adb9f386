import { requestEntityTooLarge } from '../status';

/** etcd caps a stored object at about 1.5 MiB; kplane refuses larger objects the same way (§5 C10). */
export const MAX_STORED_OBJECT_BYTES = 1.5 * 1024 * 1024;

export function checkStoredObjectSize(obj: unknown): void {
  const size = Buffer.byteLength(JSON.stringify(obj), 'utf8');
  if (size > MAX_STORED_OBJECT_BYTES) {
    throw requestEntityTooLarge(`etcdserver: request is too large (the object is ${size} bytes; the limit is ${MAX_STORED_OBJECT_BYTES})`);
  }
}
