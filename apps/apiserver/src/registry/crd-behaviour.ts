import {
  crdStatus,
  CustomResourceDefinition,
  defaultCrd,
  parseSimplePath,
  ResourceType,
  structuralSchemaCauses,
  validateCrd,
} from '@kplane/kube';
import { CRD_CLEANUP_FINALIZER, customResourceStorageKey, KubeObject, WorkspaceStore } from '@kplane/store';
import type { WorkspaceApi } from './api-registry';
import { builtinBehaviour, ResourceBehaviour } from './resource-behaviour';

/**
 * CustomResourceDefinitions are stored like any built-in kind; what the apiextensions server
 * adds happens here: defaults, validation against the other CRDs, the server-owned status
 * (NamesAccepted, Established), the cleanup finalizer and the selectable-field indexes.
 */
export function crdBehaviour(rt: ResourceType, api: WorkspaceApi, store: WorkspaceStore): ResourceBehaviour {
  return {
    ...builtinBehaviour(rt),
    admit(obj) {
      const crd = defaultCrd(obj as CustomResourceDefinition);
      const name = crd.metadata?.name ?? '';
      const others = api.crds.filter((c) => c.metadata?.name !== name);
      const existing = api.crds.find((c) => c.metadata?.name === name && c.metadata?.uid === obj.metadata.uid);
      validateCrd(crd, { existing, others, schemaCauses: (_version, schema, path) => structuralSchemaCauses(schema, path) });
      crd.status = crdStatus({ ...crd, status: (obj as CustomResourceDefinition).status ?? existing?.status }, others);
      const finalizers = obj.metadata.finalizers ?? [];
      if (!obj.metadata.deletionTimestamp && !finalizers.includes(CRD_CLEANUP_FINALIZER)) {
        crd.metadata = { ...crd.metadata, finalizers: [...finalizers, CRD_CLEANUP_FINALIZER] };
      }
      return { object: crd as unknown as KubeObject, warnings: [] };
    },
    async afterWrite(saved) {
      if (saved.metadata.deletionTimestamp) return;
      await store.syncSelectableFieldIndexes(customResourceStorageKey(saved), selectableFieldsOf(saved as CustomResourceDefinition));
    },
  };
}

/** Every version's selectable fields, as the store's expression indexes need them. */
function selectableFieldsOf(crd: CustomResourceDefinition): { name: string; path: string[] }[] {
  const out = new Map<string, string[]>();
  for (const v of crd.spec?.versions ?? []) {
    for (const f of v.selectableFields ?? []) {
      const path = f.jsonPath ? parseSimplePath(f.jsonPath) : undefined;
      if (path) out.set(path.join('.'), path);
    }
  }
  return [...out].map(([name, path]) => ({ name, path }));
}
