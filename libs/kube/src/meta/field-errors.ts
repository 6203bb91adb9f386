import type { InvalidCause } from '../status';

// Builders for field.Error-style causes; the message text follows
// k8s.io/apimachinery/pkg/util/validation/field so kubectl output looks familiar.

function quote(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 256 ? `${v.slice(0, 256)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v)?.slice(0, 256) ?? 'null';
}

export function fieldInvalid(field: string, value: unknown, detail: string): InvalidCause {
  return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${quote(value)}: ${detail}` };
}

export function fieldRequired(field: string, detail = ''): InvalidCause {
  return { reason: 'FieldValueRequired', field, message: detail ? `Required value: ${detail}` : 'Required value' };
}

export function fieldForbidden(field: string, detail: string): InvalidCause {
  return { reason: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` };
}

export function fieldTooLong(field: string, max: number): InvalidCause {
  return { reason: 'FieldValueTooLong', field, message: `Too long: may not be more than ${max} bytes` };
}

export function fieldDuplicate(field: string, value: unknown): InvalidCause {
  return { reason: 'FieldValueDuplicate', field, message: `Duplicate value: ${quote(value)}` };
}
