import {
  admitCustomResource,
  buildTable,
  convertForVersion,
  crdTableColumns,
  CustomResourceInfo,
  customFieldPathsOf,
  customFieldValuesOf,
  FieldValidation,
  fieldValuesOf,
  ResourceType,
  Table,
  toTable,
  ToTableOptions,
} from '@kplane/kube';
import type { KubeObject } from '@kplane/store';
import type { WorkspaceApi } from './api-registry';

/**
 * What differs between built-in kinds and custom resources, behind one interface so the
 * handlers stay generic: selectable field values, Table columns, schema admission and the
 * per-version view on read.
 */
export interface ResourceBehaviour {
  fieldValues(obj: KubeObject): Record<string, string>;
  /** Selector fields answered from JSON paths through expression indexes (CR selectable fields). */
  fieldPaths?: Record<string, string[]>;
  table(objects: readonly KubeObject[], opts: ToTableOptions): Table;
  /** The object as this version serves it (defaults applied on read, apiVersion rewritten). */
  present(obj: KubeObject): KubeObject;
  /** Prune, default and validate a write; returns the object to store and any warnings. */
  admit(obj: KubeObject, fieldValidation: FieldValidation): { object: KubeObject; warnings: string[] };
  /** Side effects a stored write needs (CRD index sync); errors leave the write in place. */
  afterWrite?(saved: KubeObject): Promise<void>;
}

export function builtinBehaviour(rt: ResourceType): ResourceBehaviour {
  return {
    fieldValues: (obj) => fieldValuesOf(rt, obj),
    table: (objects, opts) => toTable(rt, objects, opts),
    present: (obj) => obj,
    admit: (object) => ({ object, warnings: [] }),
  };
}

export function customBehaviour(info: CustomResourceInfo, api: WorkspaceApi): ResourceBehaviour {
  const columns = crdTableColumns(info);
  const schema = api.schemaFor(info);
  return {
    fieldValues: (obj) => customFieldValuesOf(info, obj),
    fieldPaths: customFieldPathsOf(info),
    table: (objects, opts) => buildTable(columns, objects, opts),
    present: (obj) => convertForVersion(schema ? (schema.applyDefaults(obj) as KubeObject) : obj, info),
    admit(obj, fieldValidation) {
      if (!schema) return { object: obj, warnings: [] };
      const { object, warnings } = admitCustomResource(schema, obj, { fieldValidation, kind: info.rt.kind, group: info.rt.group, name: obj.metadata.name });
      return { object: object as KubeObject, warnings };
    },
  };
}
