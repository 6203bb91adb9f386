import { randomUUID } from 'node:crypto';

/** Namespaces every cluster starts with (kubernetes-api.md §12 N1). */
export const BOOTSTRAP_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

export interface BootstrapObject {
  /** Storage key of the resource (core group: the plural). */
  resource: string;
  object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; uid: string; [k: string]: unknown }; [k: string]: unknown };
  /** Extra selectable field values (kubernetes-api.md §8 S4). */
  fields: Record<string, string>;
}

function rfc3339(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The namespaces and their `default` ServiceAccounts, as a new kube-apiserver creates them. */
export function bootstrapObjects(now: Date): BootstrapObject[] {
  const creationTimestamp = rfc3339(now);
  const namespaces: BootstrapObject[] = BOOTSTRAP_NAMESPACES.map((name) => ({
    resource: 'namespaces',
    object: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, uid: randomUUID(), creationTimestamp, labels: { 'kubernetes.io/metadata.name': name } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    },
    fields: { 'status.phase': 'Active' },
  }));
  const serviceAccounts: BootstrapObject[] = BOOTSTRAP_NAMESPACES.map((namespace) => ({
    resource: 'serviceaccounts',
    object: {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace, uid: randomUUID(), creationTimestamp },
    },
    fields: {},
  }));
  return [...namespaces, ...serviceAccounts];
}
