import { QueryError } from './pagination.errors';

const KEY_RE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE_RE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/**
 * Parses an equality-only label selector (`k=v`, `k==v`, comma-separated) into the map
 * that the matching rows' labels must contain. Duplicate keys with different values can
 * match nothing and are rejected.
 */
export function parseEqualityLabelSelector(selector: string): Record<string, string> {
  const result: Record<string, string> = {};
  const trimmed = selector.trim();
  if (trimmed === '') return result;
  for (const raw of trimmed.split(',')) {
    const term = raw.trim();
    const match = /^([^=!\s]+)\s*==?\s*([^=!\s]*)$/.exec(term);
    if (!match) {
      throw new QueryError('INVALID_LABEL_SELECTOR', `labelSelector term "${term}" must look like key=value`);
    }
    const [, key, value] = match as unknown as [string, string, string];
    if (key.length > 316 || !KEY_RE.test(key)) {
      throw new QueryError('INVALID_LABEL_SELECTOR', `labelSelector key "${key}" is not a valid label key`);
    }
    if (value.length > 63 || !VALUE_RE.test(value)) {
      throw new QueryError('INVALID_LABEL_SELECTOR', `labelSelector value "${value}" is not a valid label value`);
    }
    if (key in result && result[key] !== value) {
      throw new QueryError('INVALID_LABEL_SELECTOR', `labelSelector names "${key}" twice with different values`);
    }
    result[key] = value;
  }
  return result;
}
