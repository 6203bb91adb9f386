// Selector ASTs shared with libs/store, which compiles them to SQL. Keep the
// shapes stable: they are a contract between the two libraries.

export type LabelRequirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'gt' | 'lt'; value: number };

export type FieldRequirement = { field: string; op: 'eq' | 'neq'; value: string };
