import { badRequest, unsupportedMediaType } from '../status';
import { PROTOBUF_KINDS } from './k8s-proto-schema';
import { buildSchema, ProtoSchema } from './proto-schema-table';
import { ProtobufJsonConverter } from './protobuf-to-json';

// Decodes `application/vnd.kubernetes.protobuf` request bodies (kubectl >= 1.32,
// client-go typed clients; kubernetes-api.md §2.1) into plain JSON objects.

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
/** What to advertise in the 415 for a kind we cannot decode (as the apiserver does for CRs). */
const JSON_TYPES = ['application/json', 'application/yaml'];

let cached: { schema: ProtoSchema; converter: ProtobufJsonConverter } | undefined;
function schema(): { schema: ProtoSchema; converter: ProtobufJsonConverter } {
  if (!cached) {
    const s = buildSchema();
    cached = { schema: s, converter: new ProtobufJsonConverter(s) };
  }
  return cached;
}

export interface ProtobufTypeMeta {
  apiVersion: string;
  kind: string;
}

interface Envelope extends ProtobufTypeMeta {
  raw: Buffer;
}

function unwrap(body: Buffer): Envelope {
  if (body.length < 4 || !body.subarray(0, 4).equals(PROTOBUF_MAGIC)) {
    throw badRequest('the body of the request was in an unknown format: protobuf body without the k8s envelope prefix');
  }
  const { schema: s } = schema();
  let env: Record<string, unknown>;
  try {
    env = s.lookup('Unknown').decode(body.subarray(4)) as unknown as Record<string, unknown>;
  } catch (e) {
    throw badRequest(`unable to decode protobuf envelope: ${(e as Error).message}`);
  }
  const tm = (env.typeMeta ?? {}) as Record<string, unknown>;
  const enc = typeof env.contentEncoding === 'string' ? env.contentEncoding : '';
  if (enc !== '') throw badRequest(`unsupported protobuf content encoding "${enc}"`);
  const ct = typeof env.contentType === 'string' ? env.contentType : '';
  if (ct !== '' && ct !== PROTOBUF_CONTENT_TYPE) throw badRequest(`unsupported protobuf inner content type "${ct}"`);
  const raw = env.raw ? Buffer.from(env.raw as Uint8Array) : Buffer.alloc(0);
  return { apiVersion: String(tm.apiVersion ?? ''), kind: String(tm.kind ?? ''), raw };
}

/** The envelope's apiVersion and kind, without decoding the object. */
export function peekProtobufTypeMeta(body: Buffer): ProtobufTypeMeta {
  const { apiVersion, kind } = unwrap(body);
  return { apiVersion, kind };
}

export function isProtobufKindSupported(apiVersion: string, kind: string): boolean {
  return `${apiVersion}/${kind}` in PROTOBUF_KINDS;
}

/**
 * The JSON object of a protobuf request body, with `apiVersion` and `kind`
 * from the envelope and Go omitempty rules applied. Throws 400 BadRequest for
 * a malformed body and 415 UnsupportedMediaType for a kind without a schema.
 */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  const env = unwrap(body);
  const typeName = PROTOBUF_KINDS[`${env.apiVersion}/${env.kind}`];
  if (!typeName) throw unsupportedMediaType(JSON_TYPES);
  const { schema: s, converter } = schema();
  let msg: Record<string, unknown>;
  try {
    msg = s.lookup(typeName).decode(env.raw) as unknown as Record<string, unknown>;
  } catch (e) {
    throw badRequest(`unable to decode protobuf ${env.kind}: ${(e as Error).message}`);
  }
  const json = (converter.message(typeName, msg) ?? {}) as Record<string, unknown>;
  return { apiVersion: env.apiVersion, kind: env.kind, ...json };
}
