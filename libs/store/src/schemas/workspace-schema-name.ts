import { StoreError } from '../store.errors';

/** The one pattern every workspace schema/role identifier is checked against before interpolation. */
export const WORKSPACE_SCHEMA_PATTERN = /^ws_[0-9a-f]{32}$/;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Branded so that SQL builders only accept identifiers that went through the check below. */
export type QuotedSchema = string & { readonly __quotedWorkspaceSchema: unique symbol };

/** `ws_` + the 32 hex digits of the workspace uuid; the schema and its role share this name. */
export function workspaceSchemaName(workspaceId: string): string {
  if (typeof workspaceId !== 'string' || !UUID_PATTERN.test(workspaceId)) {
    throw new StoreError('STORE_INVALID_NAME', `workspace id is not a uuid: ${JSON.stringify(String(workspaceId)).slice(0, 80)}`);
  }
  const name = `ws_${workspaceId.toLowerCase().replace(/-/g, '')}`;
  if (!WORKSPACE_SCHEMA_PATTERN.test(name)) {
    throw new StoreError('STORE_INVALID_NAME', `invalid workspace schema name`);
  }
  return name;
}

/** The canonical (lower-case, dashed) form, used in NOTIFY payloads so listeners can compare ids. */
export function canonicalWorkspaceId(workspaceId: string): string {
  workspaceSchemaName(workspaceId);
  return workspaceId.toLowerCase();
}

/** Inverse of workspaceSchemaName, for reconciliation listings. */
export function workspaceIdFromSchemaName(schema: string): string | null {
  if (!WORKSPACE_SCHEMA_PATTERN.test(schema)) return null;
  const h = schema.slice(3);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Double-quoted identifier; re-checks the pattern here because this is the interpolation point. */
export function quoteWorkspaceSchema(schemaName: string): QuotedSchema {
  if (!WORKSPACE_SCHEMA_PATTERN.test(schemaName)) {
    throw new StoreError('STORE_INVALID_NAME', 'invalid workspace schema name');
  }
  return `"${schemaName}"` as QuotedSchema;
}

export function quotedWorkspaceSchema(workspaceId: string): QuotedSchema {
  return quoteWorkspaceSchema(workspaceSchemaName(workspaceId));
}
