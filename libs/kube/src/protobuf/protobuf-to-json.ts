import type { ProtoSchema } from './proto-schema-table';
import { formatMicroTime, formatTime } from '../meta/time-and-params';

// Converts decoded protobufjs messages to the JSON the apiserver would have
// received, applying Go's omitempty rules (kubernetes-api.md §1 item 12, §2.1).

type Json = unknown;
type Msg = Record<string, unknown>;

/** Seconds of Go's zero time.Time (0001-01-01T00:00:00Z). */
const GO_ZERO_SECONDS = -62135596800;

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'low' in v && typeof (v as { toNumber?: unknown }).toNumber === 'function') {
    return (v as unknown as { toNumber(): number }).toNumber();
  }
  return Number(v ?? 0);
}

function has(m: Msg, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, k) && m[k] !== undefined && m[k] !== null;
}

function toBuffer(v: unknown): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v as Uint8Array);
}

function timeOf(m: Msg, micro: boolean): string | undefined {
  const s = num(m.seconds);
  const n = num(m.nanos);
  if ((s === 0 || s === GO_ZERO_SECONDS) && n === 0) return undefined;
  const d = new Date(s * 1000 + Math.floor(n / 1e6));
  return micro ? formatMicroTime(d, Math.floor(n / 1000) % 1000) : formatTime(d);
}

function rawJson(m: Msg, key: string): Json {
  if (!has(m, key)) return undefined;
  const buf = toBuffer(m[key]);
  if (buf.length === 0) return undefined;
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Message types with a custom JSON form. Returning undefined means "zero". */
const SPECIAL: Record<string, (m: Msg) => Json> = {
  Time: (m) => timeOf(m, false),
  MicroTime: (m) => timeOf(m, true),
  FieldsV1: (m) => rawJson(m, 'Raw'),
  RawExtension: (m) => rawJson(m, 'raw'),
  Quantity: (m) => (has(m, 'string') ? m.string : undefined),
  IntOrString: (m) => (num(m.type) === 1 ? (m.strVal ?? '') : num(m.intVal)),
  ExtraValue: (m) => (Array.isArray(m.items) ? m.items : []),
};

function isZeroScalar(type: string, v: unknown): boolean {
  switch (type) {
    case 'string':
      return v === '';
    case 'bool':
      return v === false;
    case 'bytes':
      return toBuffer(v).length === 0;
    default:
      return num(v) === 0;
  }
}

function scalar(type: string, v: unknown): Json {
  if (type === 'bytes') return toBuffer(v).toString('base64');
  if (type === 'int32' || type === 'int64') return num(v);
  return v;
}

function isEmptyObject(v: Json): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

export class ProtobufJsonConverter {
  constructor(private readonly schema: ProtoSchema) {}

  /** JSON for a message; `undefined` when every field is zero. */
  message(typeName: string, m: Msg): Json {
    const special = SPECIAL[typeName];
    if (special) return special(m);
    const out: Record<string, Json> = {};
    for (const f of this.schema.fields.get(typeName) ?? []) {
      if (!has(m, f.name)) continue;
      const v = m[f.name];
      const isMsg = this.schema.fields.has(f.type);
      if (f.map) {
        const entries = Object.entries(v as Msg);
        if (entries.length === 0) continue;
        const obj: Record<string, Json> = {};
        // map values are kept even when zero: `a: ""` is data
        for (const [k, ev] of entries) obj[k] = isMsg ? this.element(f.type, ev as Msg) : scalar(f.type, ev);
        out[f.name] = obj;
      } else if (f.repeated) {
        const arr = v as unknown[];
        if (arr.length === 0) continue;
        // elements are kept even when zero: apiGroups [""] is meaningful
        out[f.name] = arr.map((e) => (isMsg ? this.element(f.type, e as Msg) : scalar(f.type, e)));
      } else if (isMsg) {
        const j = this.message(f.type, v as Msg);
        if (j === undefined || (isEmptyObject(j) && !f.optional)) continue;
        out[f.name] = j;
      } else {
        if (!f.optional && isZeroScalar(f.type, v)) continue;
        out[f.name] = scalar(f.type, v);
      }
    }
    return out;
  }

  /** A list or map element: never dropped, so counts and keys survive. */
  private element(typeName: string, m: Msg): Json {
    const j = this.message(typeName, m);
    return j === undefined ? (SPECIAL[typeName] ? null : {}) : j;
  }
}
