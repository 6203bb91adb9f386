import type { IncomingMessage } from 'node:http';
import { badRequest, decodeProtobufObject, requestEntityTooLarge, unsupportedMediaType } from '@kplane/kube';
import yaml from 'js-yaml';

/** kube-apiserver refuses request bodies over 3 MiB (kubernetes-api.md §5 C10). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;
export type PatchType = (typeof PATCH_TYPES)[number];

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/**
 * Bodies nested deeper than this, or expanding (through YAML aliases) to more values than this,
 * are refused before any recursive code (JSON.stringify, deep merges, schema walks) sees them.
 */
export const MAX_BODY_DEPTH = 512;
export const MAX_BODY_NODES = 2_000_000; // a 3 MiB JSON text holds at most ~1.5M values

/** Iterative, so a hostile body cannot blow the stack here either. */
export function checkShape(value: unknown): void {
  const stack: [unknown, number][] = [[value, 1]];
  let nodes = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (++nodes > MAX_BODY_NODES) throw badRequest('the request body expands to too many values');
    if (typeof v === 'number' && !Number.isFinite(v)) throw badRequest('the request body holds a number out of range');
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_BODY_DEPTH) throw badRequest(`the request body is nested deeper than ${MAX_BODY_DEPTH} levels`);
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

export async function readRawBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw requestEntityTooLarge('the request body is too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw requestEntityTooLarge('the request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer): unknown {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw badRequest(`the body of the request could not be decoded as JSON: ${(err as Error).message}`);
  }
  checkShape(value);
  return value;
}

/** An object body of POST/PUT: JSON, YAML or the Kubernetes protobuf envelope. */
export async function readObjectBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readRawBody(req);
  const type = mediaType(req);
  let value: unknown;
  if (type === PROTOBUF) {
    value = decodeProtobufObject(raw);
    checkShape(value);
  }
  else if (type === 'application/json' || type === '') value = parseJson(raw);
  else if (type === 'application/yaml') value = parseYaml(raw);
  else throw unsupportedMediaType(['application/json', 'application/yaml', PROTOBUF]);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('the request body must be a JSON object');
  return value as Record<string, unknown>;
}

/** A patch body and its type; unknown patch types are 415. */
export async function readPatchBody(req: IncomingMessage): Promise<{ type: PatchType; patch: unknown }> {
  const type = mediaType(req) as PatchType;
  if (!PATCH_TYPES.includes(type)) throw unsupportedMediaType([...PATCH_TYPES]);
  const raw = await readRawBody(req);
  const patch = type === 'application/apply-patch+yaml' ? parseYaml(raw) : parseJson(raw);
  return { type, patch };
}

/** Delete options may come as a JSON body, an empty body, or not at all (kubernetes-api.md §2 T9). */
export async function readOptionalJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readRawBody(req, 1024 * 1024);
  if (raw.length === 0 || raw.toString('utf8').trim() === '') return {};
  if (mediaType(req) === PROTOBUF) {
    const decoded = decodeProtobufObject(raw) as Record<string, unknown>;
    checkShape(decoded);
    return decoded;
  }
  const value = parseJson(raw);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('the request body must be a JSON object');
  return value as Record<string, unknown>;
}

function parseYaml(raw: Buffer): unknown {
  let value: unknown;
  try {
    // JSON_SCHEMA: no custom tags. Aliases still share nodes, so the shape check below bounds them.
    value = yaml.load(raw.toString('utf8'), { schema: yaml.JSON_SCHEMA, json: true });
  } catch (err) {
    throw badRequest(`the body of the request could not be decoded as YAML: ${(err as Error).message}`);
  }
  checkShape(value);
  return value;
}
