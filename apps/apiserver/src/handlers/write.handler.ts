import { randomUUID } from 'node:crypto';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  badRequest,
  checkNameMatches,
  fieldValuesOf,
  forbidden,
  notFound,
  parseBoolParam,
  prepareCreate,
  prepareUpdate,
  storageKey,
  unsupportedMediaType,
  validateObject,
  validateUpdate,
} from '@kplane/kube';
import type { KubeObject } from '@kplane/store';
import { readObjectBody, readPatchBody } from '../http/request-body';
import { sendJson } from '../http/respond';
import { ResourceRequest } from './request-context';
import { translated } from './store-errors';

type Obj = Record<string, unknown>;

/** A patch without a resourceVersion of its own is retried on conflict, as the apiserver does. */
const PATCH_ATTEMPTS = 5;

function isDryRun(r: ResourceRequest): boolean {
  const v = r.query.getAll('dryRun');
  if (v.length === 0) return false;
  if (v.every((x) => x === 'All')) return true;
  throw badRequest(`invalid dryRun value: only "All" is supported`);
}

/** The namespace must exist and not be terminating (kubernetes-api.md §12 N3, N4). */
async function checkNamespaceOpen(r: ResourceRequest, objName: string): Promise<void> {
  if (!r.rt.namespaced || !r.namespace) return;
  const ns = await r.store.get('namespaces', '', r.namespace);
  if (!ns) throw notFound('namespaces', '', r.namespace);
  if ((ns.metadata as Obj).deletionTimestamp) {
    throw forbidden(
      `${r.rt.resource} "${objName}" is forbidden: unable to create new content in namespace ${r.namespace} because it is being terminated`,
      { name: objName, group: r.rt.group, kind: r.rt.resource, causes: [{ reason: 'NamespaceTerminating', field: 'metadata.namespace', message: `namespace ${r.namespace} is being terminated` }] },
    );
  }
}

export async function createObject(r: ResourceRequest): Promise<void> {
  if (!r.rt.namespaced && r.namespace) throw notFound(r.rt.resource, r.rt.group, '');
  const body = await readObjectBody(r.req);
  const obj = prepareCreate(r.rt, body, { namespaceFromUrl: r.namespace, uid: randomUUID() }) as KubeObject;
  validateObject(r.rt, obj);
  await checkNamespaceOpen(r, obj.metadata.name);
  if (isDryRun(r)) {
    sendJson(r.res, 201, obj);
    return;
  }
  const created = await translated(r.rt, obj.metadata.name, () => r.store.create(storageKey(r.rt), obj, fieldValuesOf(r.rt, obj)));
  sendJson(r.res, 201, created);
}

async function loadExisting(r: ResourceRequest): Promise<KubeObject> {
  const existing = await translated(r.rt, r.name!, () => r.store.get(storageKey(r.rt), r.namespace ?? '', r.name!));
  if (!existing) throw notFound(r.rt.resource, r.rt.group, r.name!);
  return existing;
}

/** Validates and stores a new state of an existing object; `expectedRv` guards against lost updates. */
async function storeUpdate(r: ResourceRequest, existing: KubeObject, incoming: Obj, expectedRv: string | undefined): Promise<KubeObject> {
  const subresource = r.subresource === 'status' || r.subresource === 'finalize' ? r.subresource : undefined;
  const updated = prepareUpdate(r.rt, existing, incoming, { subresource }) as KubeObject;
  validateObject(r.rt, updated);
  validateUpdate(r.rt, existing, updated);
  if (isDryRun(r)) return { ...updated, metadata: { ...updated.metadata, resourceVersion: existing.metadata.resourceVersion } };
  return translated(r.rt, r.name!, () =>
    r.store.update(storageKey(r.rt), updated, fieldValuesOf(r.rt, updated), { expectedResourceVersion: expectedRv || undefined }),
  );
}

export async function replaceObject(r: ResourceRequest): Promise<void> {
  const body = await readObjectBody(r.req);
  const meta = (body.metadata ?? {}) as Obj;
  checkNameMatches(r.name!, meta.name as string | undefined);
  if (meta.namespace && r.namespace && meta.namespace !== r.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const existing = await loadExisting(r);
  const saved = await storeUpdate(r, existing, body, meta.resourceVersion as string | undefined);
  sendJson(r.res, 200, saved);
}

export async function patchObject(r: ResourceRequest): Promise<void> {
  const { type, patch } = await readPatchBody(r.req);
  if (parseBoolParam(r.query.get('force') ?? undefined) !== undefined && type !== 'application/apply-patch+yaml') {
    throw badRequest('force is only allowed for apply patches');
  }
  if (type === 'application/apply-patch+yaml' && !r.query.get('fieldManager')) {
    throw badRequest('fieldManager: Required value: is required for apply patch');
  }
  for (let attempt = 1; ; attempt++) {
    let existing: KubeObject | null;
    existing = await translated(r.rt, r.name!, () => r.store.get(storageKey(r.rt), r.namespace ?? '', r.name!));
    if (!existing) {
      if (type !== 'application/apply-patch+yaml') throw notFound(r.rt.resource, r.rt.group, r.name!);
      return applyCreate(r, patch);
    }
    const patched = applyPatch(r, type, existing, patch);
    const patchedMeta = (patched.metadata ?? {}) as Obj;
    if (patchedMeta.name !== undefined && patchedMeta.name !== r.name) throw badRequest('metadata.name: the patch may not change the name');
    if ((patchedMeta.namespace ?? '') !== (existing.metadata.namespace ?? '')) throw badRequest('metadata.namespace: the patch may not change the namespace');
    if (patchedMeta.uid !== undefined && patchedMeta.uid !== existing.metadata.uid) throw badRequest('metadata.uid: the patch may not change the uid');
    const rvFromPatch = patchRv(patch);
    try {
      const saved = await storeUpdate(r, existing, patched, rvFromPatch ?? existing.metadata.resourceVersion);
      sendJson(r.res, 200, saved);
      return;
    } catch (err) {
      const retry = rvFromPatch === undefined && attempt < PATCH_ATTEMPTS && (err as { status?: { reason?: string } }).status?.reason === 'Conflict';
      if (!retry) throw err;
    }
  }
}

/** Server-side apply on a missing object creates it and answers 201 (kubernetes-api.md §10 A3). */
async function applyCreate(r: ResourceRequest, patch: unknown): Promise<void> {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw badRequest('the apply patch must be an object');
  const body = { ...(patch as Obj), metadata: { ...((patch as Obj).metadata as Obj), name: r.name } };
  const obj = prepareCreate(r.rt, body, { namespaceFromUrl: r.namespace, uid: randomUUID() }) as KubeObject;
  validateObject(r.rt, obj);
  await checkNamespaceOpen(r, obj.metadata.name);
  if (isDryRun(r)) {
    sendJson(r.res, 201, obj);
    return;
  }
  const created = await translated(r.rt, obj.metadata.name, () => r.store.create(storageKey(r.rt), obj, fieldValuesOf(r.rt, obj)));
  sendJson(r.res, 201, created);
}

function applyPatch(r: ResourceRequest, type: string, existing: KubeObject, patch: unknown): Obj {
  switch (type) {
    case 'application/merge-patch+json':
      return applyMergePatch(existing, patch) as Obj;
    case 'application/json-patch+json':
      return applyJsonPatch(existing, patch) as Obj;
    case 'application/strategic-merge-patch+json':
      return applyStrategicMergePatch(existing, patch, r.rt) as Obj;
    case 'application/apply-patch+yaml':
      // First version of server-side apply: upsert and deep merge, no ownership conflicts (§10 A6).
      return applyMergePatch(existing, stripNulls(patch)) as Obj;
    default:
      throw unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml']);
  }
}

function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, stripNulls(x)]));
}

function patchRv(patch: unknown): string | undefined {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return undefined;
  const meta = (patch as Obj).metadata;
  if (typeof meta !== 'object' || meta === null) return undefined;
  const rv = (meta as Obj).resourceVersion;
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
}
