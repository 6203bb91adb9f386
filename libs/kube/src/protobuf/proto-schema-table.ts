import * as protobuf from 'protobufjs';
import { MESSAGES } from './k8s-proto-schema';

// Turns the compact table of k8s-proto-schema.ts into a protobufjs Root plus
// the per-field facts (repeated, map, pointer) the JSON conversion needs.

export interface FieldInfo {
  name: string;
  id: number;
  /** Element type: a scalar name or a message name. */
  type: string;
  repeated: boolean;
  map: boolean;
  /** Go pointer field: present-but-zero is kept. */
  optional: boolean;
}

const SCALARS = new Set(['string', 'int32', 'int64', 'bool', 'bytes']);
const FIELD_RE = /^([A-Za-z_][A-Za-z0-9_]*)=(\d+)(?::(\[\]|\{\})?([A-Za-z0-9]+))?(\?)?$/;

export function parseFields(spec: string): FieldInfo[] {
  return spec
    .trim()
    .split(/\s+/)
    .map((tok) => {
      const m = FIELD_RE.exec(tok);
      if (!m) throw new Error(`bad field spec ${tok}`);
      return {
        name: m[1],
        id: Number(m[2]),
        type: m[4] ?? 'string',
        repeated: m[3] === '[]',
        map: m[3] === '{}',
        optional: m[5] === '?',
      };
    });
}

export interface ProtoSchema {
  root: protobuf.Root;
  fields: Map<string, FieldInfo[]>;
  lookup(name: string): protobuf.Type;
}

const PACKAGE = 'kplane';

export function buildSchema(messages: Record<string, string> = MESSAGES): ProtoSchema {
  const nested: Record<string, protobuf.IType> = {};
  const fields = new Map<string, FieldInfo[]>();
  for (const [msg, spec] of Object.entries(messages)) {
    const infos = parseFields(spec);
    fields.set(msg, infos);
    const desc: Record<string, protobuf.IField & { keyType?: string }> = {};
    for (const f of infos) {
      if (!SCALARS.has(f.type) && !(f.type in messages)) throw new Error(`${msg}.${f.name}: unknown type ${f.type}`);
      if (f.map) desc[f.name] = { keyType: 'string', type: f.type, id: f.id };
      else if (f.repeated) desc[f.name] = { rule: 'repeated', type: f.type, id: f.id };
      else desc[f.name] = { type: f.type, id: f.id };
    }
    nested[msg] = { fields: desc };
  }
  const root = protobuf.Root.fromJSON({ nested: { [PACKAGE]: { nested } } });
  root.resolveAll();
  return { root, fields, lookup: (name) => root.lookupType(`${PACKAGE}.${name}`) };
}
