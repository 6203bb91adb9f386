import { randomUUID } from 'node:crypto';
import { apiVersionOf, ResourceType } from '../resources';
import { badRequest, conflict } from '../status';
import { deepClone, deepEqual } from './deep-equal';
import { generateName } from './names';
import { formatTime } from './time-and-params';
import { setOwn } from './own-property';

// Server-owned metadata on create and update (kubernetes-api.md §5 C2, C5,
// C11, C12; §12 N1), i.e. what the apiserver's rest strategies do before
// validation. Storage concerns (resourceVersion, managedFields) stay with the caller.

type Obj = Record<string, unknown>;

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface PrepareCreateOptions {
  /** Namespace from the URL; undefined for cluster-scoped URLs. */
  namespaceFromUrl?: string;
  now?: Date | string;
  uid?: string;
}

export interface PrepareUpdateOptions {
  /** Which part of the object the write targets; undefined is the main resource. */
  subresource?: 'status' | 'finalize';
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function timeString(now: Date | string | undefined): string {
  if (typeof now === 'string') return now;
  return formatTime(now ?? new Date());
}

function isCore(rt: ResourceType, kind: string): boolean {
  return rt.group === '' && rt.kind === kind;
}

/** Checks apiVersion/kind in the body (either may be absent) and sets them. */
function setTypeMeta(rt: ResourceType, obj: Obj): void {
  const want = apiVersionOf(rt);
  if (obj.apiVersion !== undefined && obj.apiVersion !== '' && obj.apiVersion !== want) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${want})`);
  }
  if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== rt.kind) {
    throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${rt.kind})`);
  }
  obj.apiVersion = want;
  obj.kind = rt.kind;
}

function bodyObject(v: unknown): Obj {
  if (!isObj(v)) throw badRequest('the body of the request must be a JSON object');
  const obj = deepClone(v);
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (!isObj(obj.metadata)) throw badRequest('metadata must be an object');
  return obj;
}

/** Secret `stringData` is write-only: fold it into `data` (base64) as the apiserver does. */
function foldStringData(obj: Obj): void {
  if (obj.type === undefined || obj.type === '') obj.type = 'Opaque';
  if (obj.stringData === undefined || obj.stringData === null) return;
  if (!isObj(obj.stringData)) throw badRequest('stringData must be a map of strings');
  const data: Obj = isObj(obj.data) ? obj.data : {};
  for (const [k, v] of Object.entries(obj.stringData)) {
    if (typeof v !== 'string') throw badRequest(`stringData[${k}] must be a string`);
    setOwn(data, k, Buffer.from(v, 'utf8').toString('base64'));
  }
  obj.data = data;
  delete obj.stringData;
}

function ensureNamespaceLabel(meta: Obj): void {
  const labels = isObj(meta.labels) ? meta.labels : {};
  labels[NAMESPACE_NAME_LABEL] = meta.name;
  meta.labels = labels;
}

/** Returns the object to store for a create; the input is not modified. */
export function prepareCreate(rt: ResourceType, input: unknown, opts: PrepareCreateOptions = {}): Obj {
  const obj = bodyObject(input);
  setTypeMeta(rt, obj);
  const meta = obj.metadata as Obj;

  if (rt.namespaced) {
    const bodyNs = typeof meta.namespace === 'string' ? meta.namespace : '';
    const urlNs = opts.namespaceFromUrl ?? '';
    if (bodyNs && urlNs && bodyNs !== urlNs) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.namespace = urlNs || bodyNs;
  } else {
    delete meta.namespace;
  }

  if ((meta.name === undefined || meta.name === '') && typeof meta.generateName === 'string' && meta.generateName !== '') {
    meta.name = generateName(meta.generateName);
  }

  for (const k of ['resourceVersion', 'selfLink', 'uid', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'creationTimestamp']) {
    delete meta[k];
  }
  meta.uid = opts.uid ?? randomUUID();
  meta.creationTimestamp = timeString(opts.now);
  if (rt.tracksGeneration) meta.generation = 1;

  if (isCore(rt, 'Namespace')) {
    const spec = isObj(obj.spec) ? obj.spec : {};
    const fins = Array.isArray(spec.finalizers) ? (spec.finalizers as unknown[]) : [];
    if (!fins.includes('kubernetes')) fins.push('kubernetes');
    spec.finalizers = fins;
    obj.spec = spec;
    obj.status = { phase: 'Active' };
    ensureNamespaceLabel(meta);
  } else if (isCore(rt, 'Secret')) {
    foldStringData(obj);
  } else if (rt.subresources.includes('status')) {
    // status is written through /status only (C12); the server fills it
    delete obj.status;
  }
  return obj;
}

function nonMetadata(rt: ResourceType, obj: Obj): Obj {
  const { metadata: _m, status, ...rest } = obj;
  return rt.subresources.includes('status') ? rest : { ...rest, status };
}

/**
 * Returns the object to store for an update of `existing` with `incoming`;
 * neither input is modified. The incoming `metadata.resourceVersion` is kept
 * so the caller can use it as a precondition; the store sets the new one.
 */
export function prepareUpdate(rt: ResourceType, existing: Obj, incoming: unknown, opts: PrepareUpdateOptions = {}): Obj {
  const inc = bodyObject(incoming);
  setTypeMeta(rt, inc);
  const old = deepClone(existing);
  const oldMeta = (isObj(old.metadata) ? old.metadata : {}) as Obj;
  const incMeta = inc.metadata as Obj;

  if (typeof incMeta.uid === 'string' && incMeta.uid !== '' && incMeta.uid !== oldMeta.uid) {
    throw conflict(rt.resource, rt.group, String(oldMeta.name), `Precondition failed: UID in precondition: ${incMeta.uid}, UID in object meta: ${String(oldMeta.uid)}`);
  }
  if (rt.namespaced && typeof incMeta.namespace === 'string' && incMeta.namespace !== '' && incMeta.namespace !== oldMeta.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }

  let out: Obj;
  if (opts.subresource === 'status') {
    // only status changes through /status (ResetObjectMetaForStatus)
    out = old;
    out.status = inc.status;
    if (out.status === undefined) delete out.status;
    (out.metadata as Obj).resourceVersion = incMeta.resourceVersion;
  } else if (opts.subresource === 'finalize') {
    out = old;
    const spec = isObj(out.spec) ? out.spec : {};
    spec.finalizers = isObj(inc.spec) && Array.isArray(inc.spec.finalizers) ? inc.spec.finalizers : [];
    out.spec = spec;
    (out.metadata as Obj).resourceVersion = incMeta.resourceVersion;
  } else {
    out = inc;
    const meta = out.metadata as Obj;
    for (const k of ['uid', 'creationTimestamp', 'name', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation']) {
      if (oldMeta[k] === undefined) delete meta[k];
      else meta[k] = oldMeta[k];
    }
    if (rt.namespaced) meta.namespace = oldMeta.namespace;
    else delete meta.namespace;
    delete meta.selfLink;
    if (rt.subresources.includes('status')) {
      if (old.status === undefined) delete out.status;
      else out.status = old.status;
    }
    if (isCore(rt, 'Namespace')) {
      const spec = isObj(out.spec) ? out.spec : {};
      spec.finalizers = isObj(old.spec) && Array.isArray(old.spec.finalizers) ? old.spec.finalizers : [];
      out.spec = spec;
      ensureNamespaceLabel(meta);
    } else if (isCore(rt, 'Secret')) {
      foldStringData(out);
    }
  }

  if (rt.tracksGeneration) {
    const gen = typeof oldMeta.generation === 'number' ? oldMeta.generation : 1;
    (out.metadata as Obj).generation = deepEqual(nonMetadata(rt, old), nonMetadata(rt, out)) ? gen : gen + 1;
  }
  return out;
}

/** Sets deletionTimestamp when a delete is blocked by finalizers (§11 G4); bumps generation (C11). */
export function markDeleting(rt: ResourceType, existing: Obj, now?: Date | string): Obj {
  const out = deepClone(existing);
  const meta = (isObj(out.metadata) ? out.metadata : (out.metadata = {})) as Obj;
  if (meta.deletionTimestamp) return out;
  meta.deletionTimestamp = timeString(now);
  meta.deletionGracePeriodSeconds = 0;
  if (rt.tracksGeneration && typeof meta.generation === 'number') meta.generation += 1;
  if (isCore(rt, 'Namespace')) out.status = { ...(isObj(out.status) ? out.status : {}), phase: 'Terminating' };
  return out;
}
