/** DNS-1123 label: the shape of tenant and workspace names (they appear in paths and kubeconfig names). */
export const DNS1123_LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_LABEL_MAX_LENGTH = 63;

/** Returns why `name` is not a DNS-1123 label, or null when it is one. */
export function dnsLabelProblem(name: unknown): string | null {
  if (name === undefined || name === null) return 'is required';
  if (typeof name !== 'string') return 'must be a string';
  if (name.length === 0) return 'must not be empty';
  if (name.length > DNS1123_LABEL_MAX_LENGTH) return `must be at most ${DNS1123_LABEL_MAX_LENGTH} characters`;
  if (!DNS1123_LABEL_RE.test(name)) {
    return "must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
  }
  return null;
}

export const isDnsLabel = (name: unknown): name is string => dnsLabelProblem(name) === null;

const LABEL_NAME_RE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_PREFIX_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE_RE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Kubernetes label rules for keys (`[prefix/]name`) and values; returns every problem found. */
export function labelProblems(labels: unknown): string[] {
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) return ['must be an object of string values'];
  const problems: string[] = [];
  const entries = Object.entries(labels as Record<string, unknown>);
  if (entries.length > 64) problems.push('must have at most 64 labels');
  for (const [key, value] of entries) {
    const slash = key.indexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : null;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if (prefix !== null && (prefix.length === 0 || prefix.length > 253 || !LABEL_PREFIX_RE.test(prefix))) {
      problems.push(`key "${key}": prefix must be a DNS-1123 subdomain`);
    } else if (name.length === 0 || name.length > 63 || !LABEL_NAME_RE.test(name)) {
      problems.push(`key "${key}": name must be 1-63 alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character`);
    }
    if (typeof value !== 'string') problems.push(`value of "${key}" must be a string`);
    else if (value.length > 63 || !LABEL_VALUE_RE.test(value)) {
      problems.push(`value of "${key}" must be at most 63 alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character`);
    }
  }
  return problems;
}
