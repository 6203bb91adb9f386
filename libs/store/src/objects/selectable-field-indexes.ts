import { escapeLiteral } from 'pg';
import { QuotedSchema } from '../schemas/workspace-schema-name';
import {
  checkResource,
  checkSelectableFields,
  resourceLiteral,
  SELECTABLE_FIELD_INDEX_PATTERN,
  SelectableField,
  selectableFieldExpr,
  selectableFieldIndexName,
} from '../selectors/selectable-fields';
import * as sql from '../sql/statements';
import { WorkspaceTx } from '../sql/workspace-tx';

/** Stored as the index's comment: which resource and path an index serves (sync reads it back). */
interface IndexDescriptor {
  kplane: 'selectable-field';
  resource: string;
  path: string[];
}

export interface SyncResult {
  created: string[];
  dropped: string[];
}

/**
 * Makes the selectable-field indexes of `resource` exactly `fields` (one per distinct path):
 * creates the missing ones, drops the ones no longer declared. Idempotent. Runs in one
 * transaction under the workspace role (which owns `objects`); CREATE INDEX holds a SHARE lock on
 * `objects` (writes wait) while the index is built.
 */
export async function syncSelectableFieldIndexes(tx: WorkspaceTx, schema: QuotedSchema, resource: string, fields: SelectableField[]): Promise<SyncResult> {
  checkResource(resource);
  checkSelectableFields(fields);
  const wanted = new Map<string, string[]>();
  for (const f of fields) wanted.set(selectableFieldIndexName(resource, f.path), f.path);

  const schemaName = schema.slice(1, -1);
  await tx.run(sql.selectableFieldsLock, [schemaName]);
  const existing = (await tx.run<{ name: string; description: string | null }>(sql.listSelectableFieldIndexes, [schemaName]))
    .filter((r) => SELECTABLE_FIELD_INDEX_PATTERN.test(r.name) && descriptorOf(r.description)?.resource === resource)
    .map((r) => r.name);

  const created: string[] = [];
  for (const [name, path] of wanted) {
    if (existing.includes(name)) continue;
    await tx.run(sql.createSelectableFieldIndex(schema, name, selectableFieldExpr(path), resourceLiteral(resource)));
    const descriptor: IndexDescriptor = { kplane: 'selectable-field', resource, path };
    await tx.run(sql.commentSelectableFieldIndex(schema, name, escapeLiteral(JSON.stringify(descriptor))));
    created.push(name);
  }
  const dropped: string[] = [];
  for (const name of existing) {
    if (wanted.has(name)) continue;
    await tx.run(sql.dropSelectableFieldIndex(schema, name));
    dropped.push(name);
  }
  return { created, dropped };
}

function descriptorOf(comment: string | null): IndexDescriptor | null {
  if (!comment) return null;
  try {
    const d = JSON.parse(comment) as IndexDescriptor;
    return d?.kplane === 'selectable-field' && typeof d.resource === 'string' ? d : null;
  } catch {
    return null;
  }
}
