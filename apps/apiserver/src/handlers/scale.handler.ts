import { applyJsonPatch, applyMergePatch, applyScale, notFound, storageKey, toScale, unsupportedMediaType } from '@kplane/kube';
import type { KubeObject } from '@kplane/store';
import { readObjectBody, readPatchBody } from '../http/request-body';
import { sendJson } from '../http/respond';
import { ResourceRequest } from './request-context';
import { translated } from './store-errors';
import { storeUpdate } from './write.handler';
import { readWriteOptions } from './write-options';

/** The `/scale` subresource of custom resources speaks autoscaling/v1 Scale (§13 K8). */
async function load(r: ResourceRequest): Promise<KubeObject> {
  const obj = await translated(r.rt, r.name!, () => r.store.get(storageKey(r.rt), r.namespace ?? '', r.name!));
  if (!obj) throw notFound(r.rt.resource, r.rt.group, r.name!);
  return obj;
}

function info(r: ResourceRequest) {
  if (!r.custom?.scale) throw notFound(r.rt.resource, r.rt.group, r.name!);
  return r.custom;
}

export async function getScale(r: ResourceRequest): Promise<void> {
  sendJson(r.res, 200, toScale(info(r), r.behaviour.present(await load(r))));
}

/** A scale write is an update of the main resource's spec (generation, managedFields, admission). */
async function store(r: ResourceRequest, existing: KubeObject, scale: unknown): Promise<void> {
  const opts = readWriteOptions(r, 'UpdateOptions');
  const scaled = applyScale(info(r), existing, scale) as KubeObject;
  const saved = await storeUpdate(r, existing, scaled, existing.metadata.resourceVersion, opts, false);
  sendJson(r.res, 200, toScale(info(r), saved));
}

export async function replaceScale(r: ResourceRequest): Promise<void> {
  const body = await readObjectBody(r.req);
  await store(r, await load(r), body);
}

/** `kubectl scale` sends a merge patch of the Scale (§18). */
export async function patchScale(r: ResourceRequest): Promise<void> {
  const { type, patch } = await readPatchBody(r.req);
  const existing = await load(r);
  const current = toScale(info(r), r.behaviour.present(existing));
  let next: unknown;
  if (type === 'application/merge-patch+json') next = applyMergePatch(current, patch);
  else if (type === 'application/json-patch+json') next = applyJsonPatch(current, patch);
  else throw unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json']);
  await store(r, existing, next);
}
