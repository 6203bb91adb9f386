// meta.k8s.io/v1 Table (kubernetes-api.md §14 V2).

export interface TableColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

export type TableCell = string | number | boolean | null;

export interface TableRow {
  cells: TableCell[];
  object?: Record<string, unknown>;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** A column and how to compute its cell from an object. */
export interface TableColumn {
  definition: TableColumnDefinition;
  cell(obj: Record<string, unknown>, now: Date): TableCell;
}
