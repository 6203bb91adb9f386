import {
  badRequest,
  checkFieldSelector,
  conflict,
  forbidden,
  markDeleting,
  notFound,
  parseBoolParam,
  parseFieldSelector,
  parseLabelSelector,
  PROTECTED_NAMESPACES,
  storageKey,
  successStatus,
  toListObject,
} from '@kplane/kube';
import type { KubeObject } from '@kplane/store';
import { readOptionalJson } from '../http/request-body';
import { sendJson } from '../http/respond';
import { completeForegroundDeletion, FOREGROUND_FINALIZER } from './dependents';
import { ResourceRequest } from './request-context';
import { translated } from './store-errors';

type Obj = Record<string, unknown>;
type Policy = 'Background' | 'Foreground' | 'Orphan';

/** Kinds whose DELETE answers with the object rather than a Status (§11 G2). */
const RETURNS_OBJECT = new Set(['Namespace', 'ServiceAccount']);

interface DeleteOptions {
  dryRun: boolean;
  policy: Policy;
  preconditions: { uid?: string; resourceVersion?: string };
}

/** Follow-up work the HTTP layer starts after answering (GC, namespace controller). */
export interface DeletionFollowUp {
  namespaceTerminating(ns: string): void;
  crdTerminating(name: string): void;
  collectGarbage(): void;
  foreground(owner: KubeObject): void;
  /** A create was refused by the tenant quota: tell webhook subscribers (deduplicated per minute). */
  quotaExceeded(detail: Record<string, unknown>): void;
}

/** DeleteOptions from a JSON body, the query string, or both (§2 T9, §11 G1). */
async function readDeleteOptions(r: ResourceRequest): Promise<DeleteOptions> {
  const body = await readOptionalJson(r.req);
  const dryRunValues = [...r.query.getAll('dryRun'), ...(Array.isArray(body.dryRun) ? (body.dryRun as unknown[]) : [])];
  if (dryRunValues.some((v) => v !== 'All')) throw badRequest('invalid dryRun value: only "All" is supported');
  let policy = (body.propagationPolicy as string | undefined) ?? r.query.get('propagationPolicy') ?? undefined;
  const orphan = body.orphanDependents ?? parseBoolParam(r.query.get('orphanDependents') ?? undefined);
  if (policy === undefined && orphan !== undefined) policy = orphan ? 'Orphan' : 'Background';
  if (policy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(policy)) {
    throw badRequest(`invalid propagationPolicy "${String(policy).slice(0, 32)}": must be one of Background, Foreground, Orphan`);
  }
  const pre = (typeof body.preconditions === 'object' && body.preconditions !== null ? body.preconditions : {}) as Obj;
  return {
    dryRun: dryRunValues.length > 0,
    policy: (policy as Policy | undefined) ?? 'Background',
    preconditions: { uid: pre.uid as string | undefined, resourceVersion: pre.resourceVersion as string | undefined },
  };
}

export async function deleteObject(r: ResourceRequest, followUp: DeletionFollowUp): Promise<void> {
  const opts = await readDeleteOptions(r);
  const name = r.name!;
  const key = storageKey(r.rt);
  const existing = await translated(r.rt, name, () => r.store.get(key, r.namespace ?? '', name));
  if (!existing) throw notFound(r.rt.resource, r.rt.group, name);
  const isNamespace = r.rt.group === '' && r.rt.resource === 'namespaces';
  if (isNamespace && (PROTECTED_NAMESPACES as readonly string[]).includes(name)) {
    throw forbidden(`namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
  }
  const { uid, resourceVersion } = opts.preconditions;
  if (uid && uid !== existing.metadata.uid) {
    throw conflict(r.rt.resource, r.rt.group, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${existing.metadata.uid}`);
  }
  if (resourceVersion && resourceVersion !== existing.metadata.resourceVersion) {
    throw conflict(r.rt.resource, r.rt.group, name, `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`);
  }
  if (opts.policy === 'Orphan' && !opts.dryRun) await r.store.orphanDependents(existing.metadata.uid);

  const finalizers = existing.metadata.finalizers ?? [];
  const foreground = opts.policy === 'Foreground' && !isNamespace;
  if (isNamespace || finalizers.length > 0 || foreground) {
    // Deletion waits for finalizers: mark it and answer with the object (§11 G4, §12 N2).
    let marked = markDeleting(r.rt, existing) as KubeObject;
    if (foreground && !finalizers.includes(FOREGROUND_FINALIZER)) {
      marked = { ...marked, metadata: { ...marked.metadata, finalizers: [...finalizers, FOREGROUND_FINALIZER] } };
    }
    if (opts.dryRun) return sendJson(r.res, 200, marked);
    const unchanged = existing.metadata.deletionTimestamp && (!foreground || finalizers.includes(FOREGROUND_FINALIZER));
    const saved = unchanged
      ? existing
      : await translated(r.rt, name, () => r.store.update(key, marked, r.behaviour.fieldValues(marked), { expectedResourceVersion: existing.metadata.resourceVersion }));
    if (isNamespace) followUp.namespaceTerminating(name);
    if (isCrd(r)) followUp.crdTerminating(name);
    if (foreground) followUp.foreground(saved);
    return sendJson(r.res, 200, saved);
  }
  const answer = (obj: KubeObject) =>
    RETURNS_OBJECT.has(r.rt.kind) ? obj : successStatus({ name, group: r.rt.group, kind: r.rt.resource, uid: obj.metadata.uid });
  if (opts.dryRun) return sendJson(r.res, 200, answer(existing));
  const deleted = await translated(r.rt, name, () =>
    r.store.delete(key, r.namespace ?? '', name, { expectedUid: existing.metadata.uid, expectedResourceVersion: resourceVersion }),
  );
  if (opts.policy === 'Background') followUp.collectGarbage();
  sendJson(r.res, 200, answer(deleted));
}

/** DELETE on a collection (deletecollection, §11 G6): set-based in the store, finalizers honoured. */
export async function deleteCollection(r: ResourceRequest, followUp: DeletionFollowUp): Promise<void> {
  const labelSelector = parseLabelSelector(r.query.get('labelSelector') ?? '');
  const fieldSelector = parseFieldSelector(r.query.get('fieldSelector') ?? '');
  checkFieldSelector(r.rt, fieldSelector);
  const opts = await readDeleteOptions(r);
  const key = storageKey(r.rt);
  if (r.rt.group === '' && r.rt.resource === 'namespaces') throw badRequest('deletecollection of namespaces is not supported; delete them one by one');
  if (opts.dryRun) {
    const { items, resourceVersion } = await r.store.list(key, { namespace: r.namespace, labelSelector, fieldSelector, fieldPaths: r.behaviour.fieldPaths });
    return sendJson(r.res, 200, toListObject(r.rt, items.map(r.behaviour.present), { resourceVersion }));
  }
  if (opts.policy === 'Orphan') {
    const { items } = await r.store.list(key, { namespace: r.namespace, labelSelector, fieldSelector, fieldPaths: r.behaviour.fieldPaths });
    for (const item of items) await r.store.orphanDependents(item.metadata.uid);
  }
  const deleted = await translated(r.rt, '', () => r.store.deleteCollection(key, { namespace: r.namespace, labelSelector, fieldSelector, fieldPaths: r.behaviour.fieldPaths }));
  followUp.collectGarbage();
  const resourceVersion = deleted.length ? deleted[deleted.length - 1].metadata.resourceVersion ?? '' : await r.store.currentResourceVersion();
  sendJson(r.res, 200, toListObject(r.rt, deleted, { resourceVersion }));
}

function isCrd(r: ResourceRequest): boolean {
  return r.rt.group === 'apiextensions.k8s.io' && r.rt.resource === 'customresourcedefinitions';
}
