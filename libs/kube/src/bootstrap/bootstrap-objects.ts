import { findResource, fieldValuesOf, storageKey } from '../resources';
import { prepareCreate } from '../meta/prepare-write';

// Objects every workspace starts with (kubernetes-api.md §12 N1).

export const BOOTSTRAP_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
/** Namespaces that cannot be deleted (§12 N4). */
export const PROTECTED_NAMESPACES = ['default', 'kube-system', 'kube-public'];

export interface BootstrapObject {
  /** storageKey of the type. */
  resource: string;
  object: Record<string, unknown> & { metadata: { name: string; namespace?: string; uid: string } };
  fields: Record<string, string>;
}

/** The system namespaces, then a `default` ServiceAccount in each (the apiserver's controllers make those). */
export function bootstrapObjects(now: Date = new Date()): BootstrapObject[] {
  const ns = findResource('', 'v1', 'namespaces')!;
  const sa = findResource('', 'v1', 'serviceaccounts')!;
  const make = (rt: typeof ns, body: Record<string, unknown>, namespaceFromUrl?: string): BootstrapObject => {
    const object = prepareCreate(rt, body, { now, namespaceFromUrl }) as BootstrapObject['object'];
    return { resource: storageKey(rt), object, fields: fieldValuesOf(rt, object) };
  };
  return [
    ...BOOTSTRAP_NAMESPACES.map((name) => make(ns, { metadata: { name } })),
    ...BOOTSTRAP_NAMESPACES.map((namespace) => make(sa, { metadata: { name: 'default' } }, namespace)),
  ];
}
