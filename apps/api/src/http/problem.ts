import { STATUS_CODES } from 'node:http';

export interface FieldProblem {
  field: string;
  message: string;
}

/** RFC 9457 problem details, as the contract describes them. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code?: string;
  errors?: FieldProblem[];
  instance?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_TYPE_BASE = 'https://kplane.dev/problems/';

/** A problem document; `code` (e.g. TENANT_NOT_FOUND) also names its `type`. */
export function problem(status: number, detail: string, options: { code?: string; errors?: FieldProblem[] } = {}): ProblemDetails {
  const body: ProblemDetails = {
    type: options.code ? PROBLEM_TYPE_BASE + options.code.toLowerCase().replace(/_/g, '-') : 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
  };
  if (options.code) body.code = options.code;
  if (options.errors && options.errors.length > 0) body.errors = options.errors;
  return body;
}
