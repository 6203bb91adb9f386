import { RbacLabelSelector } from './rbac.types';

/**
 * metav1.LabelSelector semantics (matchLabels AND matchExpressions). An empty
 * selector matches everything; an unknown operator matches nothing (the
 * apiserver would have rejected it as invalid).
 */
export function labelSelectorMatches(selector: RbacLabelSelector | null | undefined, labels: Record<string, string> | null | undefined): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (l[k] !== v) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!has || !values.includes(l[req.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(l[req.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
