import { badRequest, conflict, fieldValuesOf, forbidden, markDeleting, notFound, storageKey, successStatus } from '@kplane/kube';
import type { KubeObject } from '@kplane/store';
import { readOptionalJson } from '../http/request-body';
import { sendJson } from '../http/respond';
import { ResourceRequest } from './request-context';
import { translated } from './store-errors';

type Obj = Record<string, unknown>;

/** kube-apiserver refuses to delete these (kubernetes-api.md §12 N4). */
const PROTECTED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);
/** Kinds whose DELETE answers with the object rather than a Status (§11 G2). */
const RETURNS_OBJECT = new Set(['Namespace', 'ServiceAccount']);

interface DeleteOptions {
  dryRun: boolean;
  preconditions: { uid?: string; resourceVersion?: string };
}

async function readDeleteOptions(r: ResourceRequest): Promise<DeleteOptions> {
  const body = await readOptionalJson(r.req);
  const dryRunValues = [...r.query.getAll('dryRun'), ...(Array.isArray(body.dryRun) ? (body.dryRun as string[]) : [])];
  if (dryRunValues.some((v) => v !== 'All')) throw badRequest('invalid dryRun value: only "All" is supported');
  const policy = (body.propagationPolicy as string | undefined) ?? r.query.get('propagationPolicy') ?? undefined;
  if (policy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(policy)) {
    throw badRequest(`invalid propagationPolicy "${String(policy).slice(0, 32)}"`);
  }
  const pre = (body.preconditions ?? {}) as Obj;
  return { dryRun: dryRunValues.length > 0, preconditions: { uid: pre.uid as string | undefined, resourceVersion: pre.resourceVersion as string | undefined } };
}

export async function deleteObject(r: ResourceRequest, onNamespaceTerminating: (ns: string) => void): Promise<void> {
  const opts = await readDeleteOptions(r);
  const name = r.name!;
  const key = storageKey(r.rt);
  const existing = await translated(r.rt, name, () => r.store.get(key, r.namespace ?? '', name));
  if (!existing) throw notFound(r.rt.resource, r.rt.group, name);
  const isNamespace = r.rt.group === '' && r.rt.resource === 'namespaces';
  if (isNamespace && PROTECTED_NAMESPACES.has(name)) throw forbidden(`namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
  const { uid, resourceVersion } = opts.preconditions;
  if (uid && uid !== existing.metadata.uid) {
    throw conflict(r.rt.resource, r.rt.group, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${existing.metadata.uid}`);
  }
  if (resourceVersion && resourceVersion !== existing.metadata.resourceVersion) {
    throw conflict(r.rt.resource, r.rt.group, name, `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`);
  }
  const finalizers = (existing.metadata as Obj).finalizers as string[] | undefined;
  const needsFinalizing = isNamespace || (finalizers?.length ?? 0) > 0;
  if (needsFinalizing) {
    if ((existing.metadata as Obj).deletionTimestamp) {
      sendJson(r.res, 200, existing);
      return;
    }
    const marked = markDeleting(r.rt, existing) as KubeObject;
    if (opts.dryRun) {
      sendJson(r.res, 200, marked);
      return;
    }
    const saved = await translated(r.rt, name, () => r.store.update(key, marked, fieldValuesOf(r.rt, marked), { expectedResourceVersion: existing.metadata.resourceVersion }));
    if (isNamespace) onNamespaceTerminating(name);
    sendJson(r.res, 200, saved);
    return;
  }
  if (opts.dryRun) {
    sendJson(r.res, 200, RETURNS_OBJECT.has(r.rt.kind) ? existing : successStatus({ name, group: r.rt.group, kind: r.rt.resource, uid: existing.metadata.uid }));
    return;
  }
  const deleted = await translated(r.rt, name, () =>
    r.store.delete(key, r.namespace ?? '', name, { expectedUid: existing.metadata.uid, expectedResourceVersion: resourceVersion }),
  );
  sendJson(r.res, 200, RETURNS_OBJECT.has(r.rt.kind) ? deleted : successStatus({ name, group: r.rt.group, kind: r.rt.resource, uid: deleted.metadata.uid }));
}
