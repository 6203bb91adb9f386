import { invalid, InvalidCause } from '../status';
import { fieldInvalid, fieldRequired } from '../meta/field-errors';
import { getAtPath, parseSimplePath, setAtPath } from './crd-jsonpath';
import type { CustomResourceInfo } from './crd-resources';

// The scale subresource of custom resources (kubernetes-api.md §13 K8, §5 C13):
// autoscaling/v1 Scale mapped through specReplicasPath, statusReplicasPath and labelSelectorPath.

type Obj = Record<string, unknown>;

export interface AutoscalingV1Scale {
  kind: 'Scale';
  apiVersion: 'autoscaling/v1';
  metadata: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; creationTimestamp?: string };
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

function segsOf(path: string): string[] {
  const segs = parseSimplePath(path);
  if (!segs) throw new Error(`invalid scale path ${JSON.stringify(path)}`);
  return segs;
}

function scaleOf(info: Pick<CustomResourceInfo, 'scale' | 'rt'>) {
  if (!info.scale) throw new Error(`${info.rt.resource}.${info.rt.group} has no scale subresource`);
  return info.scale;
}

/**
 * The Scale view of a custom resource. spec.replicas is left out when the
 * object has none at specReplicasPath; status.replicas is 0 when missing.
 */
export function toScale(info: Pick<CustomResourceInfo, 'scale' | 'rt'>, obj: Obj): AutoscalingV1Scale {
  const s = scaleOf(info);
  const meta = (obj.metadata ?? {}) as Obj;
  const metadata: AutoscalingV1Scale['metadata'] = {};
  for (const k of ['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp'] as const) {
    if (typeof meta[k] === 'string' && meta[k] !== '') metadata[k] = meta[k] as string;
  }
  const specReplicas = getAtPath(obj, segsOf(s.specReplicasPath));
  const statusReplicas = getAtPath(obj, segsOf(s.statusReplicasPath));
  const scale: AutoscalingV1Scale = {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata,
    spec: typeof specReplicas === 'number' ? { replicas: specReplicas } : {},
    status: { replicas: typeof statusReplicas === 'number' ? statusReplicas : 0 },
  };
  if (s.labelSelectorPath) {
    const sel = getAtPath(obj, segsOf(s.labelSelectorPath));
    if (typeof sel === 'string' && sel !== '') scale.status.selector = sel;
  }
  return scale;
}

/** Problems with a Scale request body (after any patch is applied). */
export function scaleValidationCauses(scale: unknown): InvalidCause[] {
  const s = (scale ?? {}) as Obj;
  const spec = s.spec as Obj | undefined;
  const replicas = spec?.replicas;
  if (replicas === undefined || replicas === null) return [fieldRequired('spec.replicas')];
  if (typeof replicas !== 'number' || !Number.isInteger(replicas)) return [fieldInvalid('spec.replicas', replicas, 'must be an integer')];
  if (replicas < 0) return [fieldInvalid('spec.replicas', replicas, 'must be greater than or equal to 0')];
  if (replicas > 2147483647) return [fieldInvalid('spec.replicas', replicas, 'must be less than or equal to 2147483647')];
  return [];
}

/** Throws 422 (kind Scale, group autoscaling) when the body is not a valid Scale. */
export function validateScale(scale: unknown, name: string): void {
  const causes = scaleValidationCauses(scale);
  if (causes.length) throw invalid('Scale', 'autoscaling', name, causes);
}

/**
 * Writes the Scale's spec.replicas into a copy of `obj` at specReplicasPath
 * (creating parents). Validates the Scale first (422).
 */
export function applyScale(info: Pick<CustomResourceInfo, 'scale' | 'rt'>, obj: Obj, scale: unknown): Obj {
  const s = scaleOf(info);
  const name = String(((obj.metadata ?? {}) as Obj).name ?? '');
  validateScale(scale, name);
  const replicas = ((scale as Obj).spec as Obj).replicas as number;
  return setAtPath(obj, segsOf(s.specReplicasPath), replicas);
}
