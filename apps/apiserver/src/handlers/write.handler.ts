import { randomUUID } from 'node:crypto';
import {
  applyJsonPatch,
  applyMergePatch,
  applyServerSide,
  applyStrategicMergePatch,
  badRequest,
  checkNameMatches,
  checkStoredObjectSize,
  forbidden,
  invalid,
  notFound,
  prepareCreate,
  prepareUpdate,
  recordUpdate,
  storageKey,
  unsupportedMediaType,
  validateObject,
  validateUpdate,
} from '@kplane/kube';
import { isStoreError, KubeObject } from '@kplane/store';
import { PATCH_TYPES, readObjectBody, readPatchBody } from '../http/request-body';
import { noteAuditName, sendJson } from '../http/respond';
import { ResourceRequest } from './request-context';
import { translated } from './store-errors';
import { readWriteOptions, WriteOptions } from './write-options';
import { storeQuotaFor } from '../quota/workspace-quotas';

type Obj = Record<string, unknown>;

/** A patch without a resourceVersion of its own is retried on conflict, as the apiserver does. */
const PATCH_ATTEMPTS = 5;
const APPLY = 'application/apply-patch+yaml';

/** The namespace must exist and not be terminating (kubernetes-api.md §12 N3, N4). */
async function checkNamespaceOpen(r: ResourceRequest, objName: string): Promise<void> {
  if (!r.rt.namespaced || !r.namespace) return;
  const ns = await r.store.get('namespaces', '', r.namespace);
  if (!ns) throw notFound('namespaces', '', r.namespace);
  if (ns.metadata.deletionTimestamp) {
    throw forbidden(
      `${r.rt.resource} "${objName}" is forbidden: unable to create new content in namespace ${r.namespace} because it is being terminated`,
      {
        name: objName,
        group: r.rt.group,
        kind: r.rt.resource,
        causes: [{ reason: 'NamespaceTerminating', field: 'metadata.namespace', message: `namespace ${r.namespace} is being terminated` }],
      },
    );
  }
}

/** Validates and stores a new object; `body` already carries managedFields for apply. */
async function storeCreate(r: ResourceRequest, body: Obj, opts: WriteOptions, applied: boolean): Promise<KubeObject> {
  if (!r.rt.namespaced && r.namespace) throw notFound(r.rt.resource, r.rt.group, '');
  let obj = prepareCreate(r.rt, body, { namespaceFromUrl: r.namespace, uid: randomUUID() }) as KubeObject;
  if (!applied) obj = recordUpdate({ before: null, after: obj, manager: opts.manager, apiVersion: opts.apiVersion, now: new Date(), rt: r.rt }) as KubeObject;
  obj = admit(r, obj, opts);
  validateObject(r.rt, obj);
  checkStoredObjectSize(obj);
  await checkNamespaceOpen(r, obj.metadata.name);
  if (opts.dryRun) return r.behaviour.present(obj);
  noteAuditName(r.res, obj.metadata.name);
  const quota = await storeQuotaFor(r.workspaceId);
  const created = await translated(r.rt, obj.metadata.name, () =>
    r.store.create(storageKey(r.rt), obj, r.behaviour.fieldValues(obj), { quota }).catch((err) => {
      if (isStoreError(err, 'STORE_QUOTA_EXCEEDED')) r.followUp.quotaExceeded((err as { quota?: Record<string, unknown> }).quota ?? {});
      throw err;
    }),
  );
  await r.behaviour.afterWrite?.(created);
  return r.behaviour.present(created);
}

/** Schema admission (custom resources, CRDs); warnings go out as `Warning: 299` headers (§15). */
function admit(r: ResourceRequest, obj: KubeObject, opts: WriteOptions): KubeObject {
  const { object, warnings } = r.behaviour.admit(obj, opts.fieldValidation);
  for (const w of warnings) r.res.appendHeader('Warning', `299 - "${w.replace(/["\\]/g, '')}"`);
  return object;
}

export async function createObject(r: ResourceRequest): Promise<void> {
  const opts = readWriteOptions(r, 'CreateOptions');
  const body = await readObjectBody(r.req);
  sendJson(r.res, 201, await storeCreate(r, body, opts, false));
}

/** Validates and stores a new state of an existing object; `expectedRv` guards against lost updates. */
export async function storeUpdate(r: ResourceRequest, existing: KubeObject, incoming: Obj, expectedRv: string | undefined, opts: WriteOptions, applied: boolean): Promise<KubeObject> {
  let updated = prepareUpdate(r.rt, existing, incoming, { subresource: opts.subresource }) as KubeObject;
  if (!applied) {
    updated = recordUpdate({ before: existing, after: updated, manager: opts.manager, apiVersion: opts.apiVersion, now: new Date(), subresource: opts.subresource, rt: r.rt }) as KubeObject;
  }
  updated = admit(r, updated, opts);
  validateObject(r.rt, updated);
  validateUpdate(r.rt, existing, updated);
  checkNoNewFinalizersWhileDeleting(r, existing, updated);
  checkStoredObjectSize(updated);
  if (opts.dryRun) return r.behaviour.present({ ...updated, metadata: { ...updated.metadata, resourceVersion: existing.metadata.resourceVersion } });
  const key = storageKey(r.rt);
  // Updates are held to the storage quota only (growth beyond it is refused, shrinking never is).
  const quota = await storeQuotaFor(r.workspaceId);
  const saved = await translated(r.rt, r.name!, () =>
    r.store.update(key, updated, r.behaviour.fieldValues(updated), { expectedResourceVersion: expectedRv || undefined, quota }),
  );
  await r.behaviour.afterWrite?.(saved);
  if (saved.metadata.deletionTimestamp && !saved.metadata.finalizers?.length) {
    if (r.rt.group === '' && r.rt.resource === 'namespaces') {
      r.followUp.namespaceTerminating(saved.metadata.name);
    } else {
      // The last finalizer is gone: the object goes now, with a DELETED event (§11 G4).
      await r.store.delete(key, saved.metadata.namespace ?? '', saved.metadata.name, { expectedUid: saved.metadata.uid }).catch((err) => {
        if ((err as { code?: string }).code !== 'STORE_NOT_FOUND') throw err;
      });
    }
  }
  return r.behaviour.present(saved);
}

/** After deletion has started, finalizers may only be removed (§11 G4). */
function checkNoNewFinalizersWhileDeleting(r: ResourceRequest, existing: KubeObject, updated: KubeObject): void {
  if (!existing.metadata.deletionTimestamp) return;
  const before = new Set(existing.metadata.finalizers ?? []);
  const added = (updated.metadata.finalizers ?? []).filter((f) => !before.has(f));
  if (added.length) {
    throw invalid(r.rt.kind, r.rt.group, existing.metadata.name, [
      {
        reason: 'FieldValueForbidden',
        field: 'metadata.finalizers',
        message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
      },
    ]);
  }
}

async function loadExisting(r: ResourceRequest): Promise<KubeObject | null> {
  return translated(r.rt, r.name!, () => r.store.get(storageKey(r.rt), r.namespace ?? '', r.name!));
}

export async function replaceObject(r: ResourceRequest): Promise<void> {
  const opts = readWriteOptions(r, 'UpdateOptions');
  const body = await readObjectBody(r.req);
  const meta = (body.metadata ?? {}) as Obj;
  checkNameMatches(r.name!, meta.name as string | undefined);
  if (meta.namespace && r.namespace && meta.namespace !== r.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const existing = await loadExisting(r);
  if (!existing) throw notFound(r.rt.resource, r.rt.group, r.name!);
  sendJson(r.res, 200, await storeUpdate(r, existing, body, meta.resourceVersion as string | undefined, opts, false));
}

export async function patchObject(r: ResourceRequest): Promise<void> {
  const type = readPatchType(r);
  const opts = readWriteOptions(r, 'PatchOptions', { apply: type === APPLY });
  const { patch } = await readPatchBody(r.req);
  const rvFromPatch = patchRv(patch);
  for (let attempt = 1; ; attempt++) {
    const existing = await loadExisting(r);
    try {
      if (type === APPLY) {
        const result = applyServerSide({ live: existing, intent: patch, manager: opts.manager, force: opts.force, apiVersion: opts.apiVersion, rt: r.rt, now: new Date(), subresource: opts.subresource });
        if (!existing) {
          const body = { ...result.object, metadata: { ...((result.object.metadata as Obj) ?? {}), name: r.name } };
          return sendJson(r.res, 201, await storeCreate(r, body, opts, true));
        }
        checkPatchIdentity(r, existing, result.object);
        return sendJson(r.res, 200, await storeUpdate(r, existing, result.object, rvFromPatch ?? existing.metadata.resourceVersion, opts, true));
      }
      if (!existing) throw notFound(r.rt.resource, r.rt.group, r.name!);
      const patched = applyPatch(r, type, existing, patch);
      checkPatchIdentity(r, existing, patched);
      return sendJson(r.res, 200, await storeUpdate(r, existing, patched, rvFromPatch ?? existing.metadata.resourceVersion, opts, false));
    } catch (err) {
      const retry = rvFromPatch === undefined && attempt < PATCH_ATTEMPTS && (err as { status?: { reason?: string } }).status?.reason === 'Conflict' && !isApplyConflict(err);
      if (!retry) throw err;
    }
  }
}

function isApplyConflict(err: unknown): boolean {
  return ((err as { status?: { details?: { causes?: { reason?: string }[] } } }).status?.details?.causes ?? []).some((c) => c.reason === 'FieldManagerConflict');
}

function readPatchType(r: ResourceRequest): string {
  const type = (r.req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!(PATCH_TYPES as readonly string[]).includes(type)) throw unsupportedMediaType([...PATCH_TYPES]);
  return type;
}

/** A patch must not rename, move or re-identify the object (§9 X6). */
function checkPatchIdentity(r: ResourceRequest, existing: KubeObject, patched: Obj): void {
  const meta = (patched.metadata ?? {}) as Obj;
  if (meta.name !== undefined && meta.name !== r.name) throw badRequest('metadata.name: the patch may not change the name');
  if ((meta.namespace ?? existing.metadata.namespace ?? '') !== (existing.metadata.namespace ?? '')) {
    throw badRequest('metadata.namespace: the patch may not change the namespace');
  }
  if (meta.uid !== undefined && meta.uid !== existing.metadata.uid) throw badRequest('metadata.uid: the patch may not change the uid');
}

function applyPatch(r: ResourceRequest, type: string, existing: KubeObject, patch: unknown): Obj {
  switch (type) {
    case 'application/merge-patch+json':
      return applyMergePatch(existing, patch) as Obj;
    case 'application/json-patch+json':
      return applyJsonPatch(existing, patch) as Obj;
    case 'application/strategic-merge-patch+json':
      return applyStrategicMergePatch(existing, patch, r.rt) as Obj;
    default:
      throw unsupportedMediaType([...PATCH_TYPES]);
  }
}

function patchRv(patch: unknown): string | undefined {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return undefined;
  const meta = (patch as Obj).metadata;
  if (typeof meta !== 'object' || meta === null) return undefined;
  const rv = (meta as Obj).resourceVersion;
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
}
