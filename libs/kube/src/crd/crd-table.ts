import { AGE_COLUMN, NAME_COLUMN } from '../table/builtin-columns';
import { formatAge } from '../table/format-age';
import type { TableCell, TableColumn, TableColumnDefinition } from '../table/table.types';
import { evalJsonPath } from './crd-jsonpath';
import type { CustomResourceInfo } from './crd-resources';
import type { CrdPrinterColumn } from './crd.types';

// Server-side Table columns of a custom resource, after the apiextensions
// tableconvertor (kubernetes-api.md §13 K9, §14 V5): Name, then the CRD's
// additionalPrinterColumns; cells come from the FIRST JSONPath match.

/** The v1 default when a version declares no columns. */
export const DEFAULT_CRD_PRINTER_COLUMNS: CrdPrinterColumn[] = [
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: AGE_COLUMN.definition.description },
];

/** client-go jsonpath PrintResults of one value: maps and arrays as compact JSON, scalars as text. */
export function printJsonPathValue(v: unknown): string {
  if (v === null) return '<nil>';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** cellForJSONValue of the apiserver's tableconvertor. */
export function crdCellValue(type: string, value: unknown, now: Date): TableCell {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'string':
      return typeof value === 'string' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      if (Number.isNaN(Date.parse(value))) return '<invalid>';
      return formatAge(value, now);
    }
    default:
      return null;
  }
}

function column(c: CrdPrinterColumn): TableColumn {
  const type = (c.type ?? 'string') as TableColumnDefinition['type'];
  const definition: TableColumnDefinition = {
    name: c.name ?? '',
    type,
    format: c.format ?? '',
    description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath ?? ''}`,
    priority: c.priority ?? 0,
  };
  const path = c.jsonPath ?? '';
  return {
    definition,
    cell(obj, now) {
      const results = evalJsonPath(path, obj);
      if (results.length === 0) return null;
      const value = results[0];
      if (type === 'string') return value === undefined ? null : printJsonPathValue(value);
      return crdCellValue(type, value, now);
    },
  };
}

/** Columns for `buildTable`: Name, then the version's printer columns (or the default Age). */
export function crdTableColumns(info: Pick<CustomResourceInfo, 'printerColumns'>): TableColumn[] {
  const cols = info.printerColumns.length ? info.printerColumns : DEFAULT_CRD_PRINTER_COLUMNS;
  return [NAME_COLUMN, ...cols.map(column)];
}
