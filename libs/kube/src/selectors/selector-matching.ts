import { FieldRequirement, LabelRequirement } from './selector.types';

// In-memory evaluation with apiserver semantics, for watch filtering:
// `!=`/`notin` also match when the label is absent; gt/lt need an integer label.

export function matchesLabelSelector(labels: Record<string, string> | undefined | null, reqs: readonly LabelRequirement[]): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      case 'gt':
      case 'lt': {
        if (!has || !/^[-+]?\d+$/.test(l[r.key])) return false;
        const n = Number(l[r.key]);
        return r.op === 'gt' ? n > r.value : n < r.value;
      }
    }
  });
}

/** Missing fields read as "", as in fields.Set. */
export function matchesFieldSelector(fieldValues: Record<string, string>, reqs: readonly FieldRequirement[]): boolean {
  return reqs.every((r) => {
    const v = Object.prototype.hasOwnProperty.call(fieldValues, r.field) ? fieldValues[r.field] : '';
    return r.op === 'eq' ? v === r.value : v !== r.value;
  });
}
