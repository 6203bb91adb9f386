import { createHash } from 'node:crypto';
import { escapeLiteral } from 'pg';
import { StoreError } from '../store.errors';

/**
 * Selectable fields of custom resources (kubernetes-api.md §8 S5, §13 K12), served by partial
 * expression indexes on `objects`. Everything here that ends up in SQL text is checked against a
 * strict pattern first and then quoted with pg's escapeLiteral, so DDL and the list predicate are
 * built from the same, validated pieces.
 */
export const RESOURCE_PATTERN = /^[a-z0-9.-]{1,253}$/;
export const PATH_ELEMENT_PATTERN = /^[A-Za-z0-9_-]{1,63}$/;
export const MAX_PATH_ELEMENTS = 8;
/** CRDs allow 8 per version; a resource's union over all versions stays small. */
export const MAX_SELECTABLE_FIELDS = 64;
export const SELECTABLE_FIELD_INDEX_PREFIX = 'objects_sf_';
export const SELECTABLE_FIELD_INDEX_PATTERN = /^objects_sf_[0-9a-f]{20}$/;

export interface SelectableField {
  name: string;
  path: string[];
}

export function checkResource(resource: unknown): asserts resource is string {
  if (typeof resource !== 'string' || !RESOURCE_PATTERN.test(resource)) {
    throw new StoreError('STORE_INVALID_NAME', `invalid resource name: ${JSON.stringify(String(resource)).slice(0, 80)}`);
  }
}

export function checkFieldPath(path: unknown, field = 'field'): asserts path is string[] {
  if (!Array.isArray(path) || path.length === 0 || path.length > MAX_PATH_ELEMENTS) {
    throw new StoreError('STORE_INVALID_NAME', `${field}: a field path has 1 to ${MAX_PATH_ELEMENTS} elements`);
  }
  for (const el of path) {
    if (typeof el !== 'string' || !PATH_ELEMENT_PATTERN.test(el)) {
      throw new StoreError('STORE_INVALID_NAME', `${field}: invalid path element ${JSON.stringify(String(el)).slice(0, 80)}`);
    }
  }
}

/**
 * The path as a text[] literal. Elements are double-quoted inside the array literal so that an
 * element spelled `null`/`NULL` stays the string, never an SQL NULL element.
 */
export function pathLiteral(path: string[]): string {
  checkFieldPath(path);
  return `${escapeLiteral(`{${path.map((e) => `"${e}"`).join(',')}}`)}::text[]`;
}

/**
 * The one expression a selectable field is indexed on and compared with. A literal path (not a
 * parameter) keeps the query expression identical to the index expression in every plan; integers
 * and booleans compare as their JSON text (`5`, `true`), a missing field (or JSON null) as "".
 */
export function selectableFieldExpr(path: string[], col = 'body'): string {
  return `coalesce(${col} #>> ${pathLiteral(path)}, '')`;
}

export function resourceLiteral(resource: string): string {
  checkResource(resource);
  return escapeLiteral(resource);
}

/** Deterministic: the same resource and path always give the same index name. */
export function selectableFieldIndexName(resource: string, path: string[]): string {
  checkResource(resource);
  checkFieldPath(path);
  const h = createHash('sha256').update(`${resource}\n${path.join('\n')}`).digest('hex').slice(0, 20);
  return `${SELECTABLE_FIELD_INDEX_PREFIX}${h}`;
}

export function checkSelectableFields(fields: unknown): asserts fields is SelectableField[] {
  if (!Array.isArray(fields) || fields.length > MAX_SELECTABLE_FIELDS) {
    throw new StoreError('STORE_INVALID_NAME', `selectable fields: an array of at most ${MAX_SELECTABLE_FIELDS}`);
  }
  for (const f of fields) {
    if (typeof f?.name !== 'string' || f.name.length === 0 || f.name.length > 512) {
      throw new StoreError('STORE_INVALID_NAME', 'selectable field name must be a non-empty string');
    }
    checkFieldPath(f.path, f.name);
  }
}

/** The JSON path declared for a selector field name, if any (own properties only). */
export function declaredPath(fieldPaths: Record<string, string[]> | undefined, field: string): string[] | undefined {
  if (!fieldPaths || !Object.prototype.hasOwnProperty.call(fieldPaths, field)) return undefined;
  const path = fieldPaths[field];
  checkFieldPath(path, field);
  return path;
}

/** Checks every path of a fieldPaths map up front (before any connection or SQL). */
export function checkFieldPaths(fieldPaths: unknown): void {
  if (fieldPaths === undefined) return;
  if (fieldPaths === null || typeof fieldPaths !== 'object' || Array.isArray(fieldPaths)) {
    throw new StoreError('STORE_INVALID_NAME', 'fieldPaths must be an object of field name -> path');
  }
  for (const [field, path] of Object.entries(fieldPaths)) checkFieldPath(path, field);
}
