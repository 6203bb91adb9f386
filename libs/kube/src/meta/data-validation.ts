import type { InvalidCause } from '../status';
import { fieldDuplicate, fieldInvalid, fieldTooLong } from './field-errors';

// ConfigMap and Secret payload rules (kubernetes-api.md §5 C10).

export const DATA_MAX_BYTES = 1024 * 1024;
const KEY_RE = /^[-._a-zA-Z0-9]+$/;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function keyErrors(key: string): string[] {
  const errs: string[] = [];
  if (key.length > 253) errs.push('must be no more than 253 characters');
  if (!KEY_RE.test(key)) errs.push("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
  if (key === '.' || key === '..') errs.push(`must not be '${key}'`);
  else if (key.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

function entries(field: string, v: unknown, causes: InvalidCause[]): [string, unknown][] {
  if (v === undefined || v === null) return [];
  if (!isObj(v)) {
    causes.push(fieldInvalid(field, v, 'must be a map'));
    return [];
  }
  return Object.entries(v);
}

export function validateConfigMapData(obj: Obj): InvalidCause[] {
  const causes: InvalidCause[] = [];
  let total = 0;
  const data = entries('data', obj.data, causes);
  const binary = entries('binaryData', obj.binaryData, causes);
  const dataKeys = new Set(data.map(([k]) => k));
  for (const [k, v] of data) {
    for (const e of keyErrors(k)) causes.push(fieldInvalid('data', k, e));
    if (typeof v !== 'string') causes.push(fieldInvalid(`data[${k}]`, v, 'must be a string'));
    else total += k.length + Buffer.byteLength(v, 'utf8');
  }
  for (const [k, v] of binary) {
    for (const e of keyErrors(k)) causes.push(fieldInvalid('binaryData', k, e));
    if (dataKeys.has(k)) causes.push(fieldDuplicate('binaryData', k));
    if (typeof v !== 'string' || !BASE64_RE.test(v)) causes.push(fieldInvalid(`binaryData[${k}]`, '<binary>', 'must be base64 encoded'));
    else total += k.length + Buffer.from(v, 'base64').length;
  }
  if (total > DATA_MAX_BYTES) causes.push(fieldTooLong('data', DATA_MAX_BYTES));
  return causes;
}

export function validateSecretData(obj: Obj): InvalidCause[] {
  const causes: InvalidCause[] = [];
  let total = 0;
  for (const [k, v] of entries('data', obj.data, causes)) {
    for (const e of keyErrors(k)) causes.push(fieldInvalid('data', k, e));
    // a bad value is reported without echoing it: secret material stays out of errors
    if (typeof v !== 'string' || !BASE64_RE.test(v)) causes.push(fieldInvalid(`data[${k}]`, '<secret contents redacted>', 'must be base64 encoded'));
    else total += Buffer.from(v, 'base64').length;
  }
  if (typeof obj.type === 'string' && obj.type.length > 0) {
    // type is free-form but bounded like a qualified name
    if (obj.type.length > 253) causes.push(fieldTooLong('type', 253));
  }
  if (total > DATA_MAX_BYTES) causes.push(fieldTooLong('data', DATA_MAX_BYTES));
  return causes;
}

