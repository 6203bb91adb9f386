import type { ResourceType } from '../resources';
import { badRequest, invalid, InvalidCause } from '../status';
import { validateConfigMapData, validateSecretData } from './data-validation';
import { fieldForbidden, fieldInvalid } from './field-errors';
import { deepEqual } from './deep-equal';
import { validateObjectMeta } from './object-meta-validation';

type Obj = Record<string, unknown>;

function nameOf(obj: Obj): string {
  const m = obj.metadata as Obj | undefined;
  return typeof m?.name === 'string' ? m.name : '';
}

function kindCauses(rt: ResourceType, obj: Obj): InvalidCause[] {
  if (rt.group !== '') return [];
  switch (rt.kind) {
    case 'ConfigMap':
      return validateConfigMapData(obj);
    case 'Secret':
      return validateSecretData(obj);
    default:
      return [];
  }
}

/** Throws 422 Invalid with every cause found in `obj` (after prepareCreate/prepareUpdate). */
export function validateObject(rt: ResourceType, obj: Obj): void {
  const causes = [...validateObjectMeta(rt, obj), ...kindCauses(rt, obj)];
  if (causes.length) throw invalid(rt.kind, rt.group, nameOf(obj), causes);
}

/** Update-only rules: immutable Secret/ConfigMap payloads and Secret type. */
export function validateUpdate(rt: ResourceType, existing: Obj, updated: Obj): void {
  const causes: InvalidCause[] = [];
  if (rt.group === '' && (rt.kind === 'Secret' || rt.kind === 'ConfigMap')) {
    if (rt.kind === 'Secret' && (existing.type ?? 'Opaque') !== (updated.type ?? 'Opaque')) {
      causes.push(fieldInvalid('type', updated.type, 'field is immutable'));
    }
    if (existing.immutable === true) {
      if (updated.immutable !== true) causes.push(fieldForbidden('immutable', 'field is immutable when `immutable` is set'));
      if (!deepEqual(existing.data, updated.data)) causes.push(fieldForbidden('data', 'field is immutable when `immutable` is set'));
      if (!deepEqual(existing.binaryData, updated.binaryData)) {
        causes.push(fieldForbidden('binaryData', 'field is immutable when `immutable` is set'));
      }
    }
  }
  if (causes.length) throw invalid(rt.kind, rt.group, nameOf(updated), causes);
}

/** 400 when the body names another object than the URL (§5 C5). An empty body name is fine. */
export function checkNameMatches(urlName: string, bodyName: string | undefined): void {
  if (bodyName && bodyName !== urlName) {
    throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${urlName})`);
  }
}
