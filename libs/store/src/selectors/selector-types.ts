// Copied from @kplane/kube (kept structurally identical) so that libs/store builds while libs/kube
// is written in parallel; switch to `export type { ... } from '@kplane/kube'` once it lands.
export type LabelRequirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'gt' | 'lt'; value: number };

export type FieldRequirement = { field: string; op: 'eq' | 'neq'; value: string };
