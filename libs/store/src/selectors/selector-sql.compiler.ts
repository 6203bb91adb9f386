import { SqlParams } from '../sql/sql-params';
import { StoreError } from '../store.errors';
import { declaredPath, selectableFieldExpr } from './selectable-fields';
import { FieldRequirement, LabelRequirement } from './selector-types';

/**
 * Label and field selectors -> SQL predicates on the indexed columns of `objects`
 * (labels: GIN jsonb_ops, fields: GIN jsonb_path_ops). Filtering never happens in JS, so a
 * selective list reads only the matching rows. Values and keys are always parameters.
 *
 * The column names are parameters of the compiler so the same predicates can run on `changes`.
 */
export function compileLabelRequirement(req: LabelRequirement, p: SqlParams, col = 'labels'): string {
  switch (req.op) {
    case 'exists':
      return `${col} ? ${p.add(req.key)}`;
    case 'notexists':
      return `NOT (${col} ? ${p.add(req.key)})`;
    case 'in':
      return labelIn(req.key, req.values, p, col);
    case 'notin':
      // NOT of containment is also true when the key is missing, as Kubernetes requires.
      return `NOT ${labelIn(req.key, req.values, p, col)}`;
    case 'gt':
    case 'lt': {
      // Kubernetes compares integers and ignores labels that do not parse; CASE keeps the cast
      // from ever running on a non-integer (AND gives no evaluation-order guarantee).
      const k = p.add(req.key);
      const v = `${p.add(String(req.value))}::numeric`;
      const cmp = req.op === 'gt' ? '>' : '<';
      return `(${col} ? ${k} AND CASE WHEN (${col} ->> ${k}) ~ '^[+-]?[0-9]{1,30}$' THEN (${col} ->> ${k})::numeric ${cmp} ${v} ELSE false END)`;
    }
    default:
      // Unreachable for typed callers; a malformed requirement must not become broken SQL.
      throw new StoreError('STORE_INVALID_NAME', `unsupported label selector operator ${JSON.stringify((req as { op?: unknown }).op)}`);
  }
}

function labelIn(key: string, values: string[], p: SqlParams, col: string): string {
  if (values.length === 0) return 'false';
  // One containment per value: each is a GIN lookup and the planner combines them with BitmapOr
  // (`@> ANY(array)` cannot use a GIN index).
  const terms = [...new Set(values)].map((v) => `${col} @> ${p.json({ [key]: v })}`);
  return terms.length === 1 ? terms[0] : `(${terms.join(' OR ')})`;
}

/**
 * metadata.name / metadata.namespace map to the key columns; a field declared in `fieldPaths`
 * (CRD selectableFields) is read from the body by the expression its partial index is built on
 * (see selectable-fields.ts); any other field is looked up in the caller-computed `fields` jsonb.
 * A missing field reads as "" (Kubernetes selectableFields rule).
 */
export function compileFieldRequirement(
  req: FieldRequirement,
  p: SqlParams,
  cols = { name: 'name', namespace: 'namespace', fields: 'fields' },
  fieldPaths?: Record<string, string[]>,
): string {
  const op = req.op === 'eq' ? '=' : '<>';
  if (req.field === 'metadata.name') return `${cols.name} ${op} ${p.add(req.value)}`;
  if (req.field === 'metadata.namespace') return `${cols.namespace} ${op} ${p.add(req.value)}`;
  const path = declaredPath(fieldPaths, req.field);
  if (path) return `${selectableFieldExpr(path)} ${op} ${p.add(req.value)}`;
  const contains = `${cols.fields} @> ${p.json({ [req.field]: req.value })}`;
  if (req.value === '') {
    const missing = `NOT (${cols.fields} ? ${p.add(req.field)})`;
    return req.op === 'eq' ? `(${contains} OR ${missing})` : `NOT (${contains} OR ${missing})`;
  }
  return req.op === 'eq' ? contains : `NOT (${contains})`;
}

/** AND of all requirements; an empty selector yields no predicates (matches everything). */
export function compileSelectors(
  labels: LabelRequirement[] | undefined,
  fields: FieldRequirement[] | undefined,
  p: SqlParams,
  fieldPaths?: Record<string, string[]>,
): string[] {
  return [
    ...(labels ?? []).map((r) => compileLabelRequirement(r, p)),
    ...(fields ?? []).map((r) => compileFieldRequirement(r, p, undefined, fieldPaths)),
  ];
}
