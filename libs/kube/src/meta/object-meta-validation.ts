import type { ResourceType } from '../resources';
import type { InvalidCause } from '../status';
import { labelValueErrors, qualifiedNameErrors } from '../selectors/label-rules';
import { fieldDuplicate, fieldForbidden, fieldInvalid, fieldRequired, fieldTooLong } from './field-errors';
import { dns1123LabelErrors, validateName } from './names';

// ObjectMeta checks shared by every kind (kubernetes-api.md §5 C9, C10).

export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function byteLen(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function stringMap(field: string, v: unknown, causes: InvalidCause[]): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) {
    causes.push(fieldInvalid(field, v, 'must be a map of strings'));
    return {};
  }
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') causes.push(fieldInvalid(`${field}[${k}]`, val, 'must be a string'));
  }
  return v;
}

export function validateLabels(labels: unknown, field = 'metadata.labels'): InvalidCause[] {
  const causes: InvalidCause[] = [];
  const map = stringMap(field, labels, causes);
  for (const [k, v] of Object.entries(map)) {
    for (const e of qualifiedNameErrors(k)) causes.push(fieldInvalid(field, k, e));
    if (typeof v === 'string') for (const e of labelValueErrors(v)) causes.push(fieldInvalid(field, v, e));
  }
  return causes;
}

export function validateAnnotations(annotations: unknown, field = 'metadata.annotations'): InvalidCause[] {
  const causes: InvalidCause[] = [];
  const map = stringMap(field, annotations, causes);
  let total = 0;
  for (const [k, v] of Object.entries(map)) {
    for (const e of qualifiedNameErrors(k.toLowerCase())) causes.push(fieldInvalid(field, k, e));
    total += byteLen(k) + (typeof v === 'string' ? byteLen(v) : 0);
  }
  if (total > ANNOTATIONS_MAX_BYTES) causes.push(fieldTooLong(field, ANNOTATIONS_MAX_BYTES));
  return causes;
}

function validateFinalizers(v: unknown): InvalidCause[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return [fieldInvalid('metadata.finalizers', v, 'must be a list of strings')];
  const causes: InvalidCause[] = [];
  const seen = new Set<string>();
  v.forEach((f, i) => {
    const field = `metadata.finalizers[${i}]`;
    if (typeof f !== 'string') return causes.push(fieldInvalid(field, f, 'must be a string'));
    for (const e of qualifiedNameErrors(f)) causes.push(fieldInvalid(field, f, e));
    if (seen.has(f)) causes.push(fieldDuplicate(field, f));
    seen.add(f);
  });
  return causes;
}

function validateOwnerReferences(v: unknown): InvalidCause[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return [fieldInvalid('metadata.ownerReferences', v, 'must be a list')];
  const causes: InvalidCause[] = [];
  let controllers = 0;
  v.forEach((ref, i) => {
    const field = `metadata.ownerReferences[${i}]`;
    if (!isObj(ref)) return causes.push(fieldInvalid(field, ref, 'must be an object'));
    for (const k of ['apiVersion', 'kind', 'name', 'uid']) {
      if (typeof ref[k] !== 'string' || ref[k] === '') causes.push(fieldRequired(`${field}.${k}`, `${k} must not be empty`));
    }
    if (ref.controller === true) controllers++;
  });
  if (controllers > 1) causes.push(fieldInvalid('metadata.ownerReferences', v.length, 'Only one reference can have Controller set to true'));
  return causes;
}

/** Causes for the object's metadata; empty when valid. */
export function validateObjectMeta(rt: ResourceType, obj: Obj): InvalidCause[] {
  const causes: InvalidCause[] = [];
  const meta = obj.metadata;
  if (!isObj(meta)) return [fieldRequired('metadata')];
  const name = typeof meta.name === 'string' ? meta.name : '';
  if (name === '') {
    causes.push(fieldRequired('metadata.name', 'name or generateName is required'));
  } else {
    for (const e of validateName(rt.nameRule, name)) causes.push(fieldInvalid('metadata.name', name, e));
  }
  const ns = typeof meta.namespace === 'string' ? meta.namespace : '';
  if (rt.namespaced) {
    if (ns === '') causes.push(fieldRequired('metadata.namespace'));
    else for (const e of dns1123LabelErrors(ns)) causes.push(fieldInvalid('metadata.namespace', ns, e));
  } else if (ns !== '') {
    causes.push(fieldForbidden('metadata.namespace', 'not allowed on this type'));
  }
  causes.push(...validateLabels(meta.labels));
  causes.push(...validateAnnotations(meta.annotations));
  causes.push(...validateFinalizers(meta.finalizers));
  causes.push(...validateOwnerReferences(meta.ownerReferences));
  return causes;
}
