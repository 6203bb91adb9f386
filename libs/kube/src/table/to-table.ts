import type { ResourceType } from '../resources';
import { parseAccept } from '../discovery/aggregated-discovery';
import { builtinColumns } from './builtin-columns';
import { IncludeObject, Table, TableColumn, TableRow } from './table.types';

// Server-side printing for `kubectl get` (kubernetes-api.md §14).

type Obj = Record<string, unknown>;

export interface ToTableOptions {
  /** Default `Metadata`: kubectl reads NAMESPACE and LABELS from rows[].object (§14 V3). */
  includeObject?: IncludeObject;
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
  now?: Date;
  /** Watch events after the first may omit the columns (§7 W8). */
  omitColumnDefinitions?: boolean;
}

function rowObject(obj: Obj, include: IncludeObject): Obj | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: (obj.metadata as Obj | undefined) ?? {} };
}

/** A Table from explicit columns (used for built-ins and for CRD printer columns). */
export function buildTable(columns: TableColumn[], objects: readonly Obj[], opts: ToTableOptions = {}): Table {
  const now = opts.now ?? new Date();
  const include = opts.includeObject ?? 'Metadata';
  const rows: TableRow[] = objects.map((o) => {
    const row: TableRow = { cells: columns.map((c) => c.cell(o, now)) };
    const object = rowObject(o, include);
    if (object) row.object = object;
    return row;
  });
  const metadata: Table['metadata'] = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) {
    metadata.continue = opts.continue;
    if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  }
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: opts.omitColumnDefinitions ? [] : columns.map((c) => c.definition),
    rows,
  };
}

export function toTable(rt: ResourceType, objects: readonly Obj[], opts: ToTableOptions = {}): Table {
  return buildTable(builtinColumns(rt), objects, opts);
}

/** `includeObject` query value, defaulting to Metadata; unknown values fall back too. */
export function parseIncludeObject(v: string | null | undefined): IncludeObject {
  return v === 'None' || v === 'Object' || v === 'Metadata' ? v : 'Metadata';
}

/** Whether the Accept header asks for a meta.k8s.io Table (kubectl get). */
export function wantsTable(acceptHeader: string | undefined): boolean {
  return parseAccept(acceptHeader).some(
    (m) => m.type === 'application/json' && m.params.as === 'Table' && m.params.g === 'meta.k8s.io' && (m.params.v === 'v1' || m.params.v === 'v1beta1'),
  );
}

export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
