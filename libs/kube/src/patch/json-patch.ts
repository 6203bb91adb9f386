import { applyOperation, getValueByPointer, JsonPatchError, Operation } from 'fast-json-patch';
import { badRequest, requestEntityTooLarge, unprocessable } from '../status';
import { deepClone } from '../meta/deep-equal';

// JSON patch, RFC 6902 (kubernetes-api.md §9 X2): malformed is 400, an
// operation that does not apply is 422, and very long patches are refused.

export const MAX_JSON_PATCH_OPERATIONS = 10000;

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);
const SHAPE_ERRORS = new Set([
  'SEQUENCE_NOT_AN_ARRAY',
  'OPERATION_NOT_AN_OBJECT',
  'OPERATION_OP_INVALID',
  'OPERATION_PATH_INVALID',
  'OPERATION_FROM_REQUIRED',
  'OPERATION_VALUE_REQUIRED',
  'OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED',
]);

function checkShape(ops: unknown): Operation[] {
  if (!Array.isArray(ops)) throw badRequest('the JSON patch must be a JSON array of operations');
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw requestTooManyOps(ops.length);
  }
  ops.forEach((op, i) => {
    if (typeof op !== 'object' || op === null || Array.isArray(op)) throw badRequest(`json patch operation ${i} is not an object`);
    const o = op as Record<string, unknown>;
    if (typeof o.op !== 'string' || !OPS.has(o.op)) throw badRequest(`json patch operation ${i}: unknown op ${JSON.stringify(o.op)}`);
    if (typeof o.path !== 'string' || (o.path !== '' && !o.path.startsWith('/'))) {
      throw badRequest(`json patch operation ${i}: path must be a JSON pointer`);
    }
    if ((o.op === 'move' || o.op === 'copy') && (typeof o.from !== 'string' || (o.from !== '' && !o.from.startsWith('/')))) {
      throw badRequest(`json patch operation ${i}: "from" must be a JSON pointer`);
    }
    if ((o.op === 'add' || o.op === 'replace' || o.op === 'test') && !('value' in o)) {
      throw badRequest(`json patch operation ${i}: missing value`);
    }
  });
  return ops as Operation[];
}

/** The apiserver answers 413 here, with this wording. */
function requestTooManyOps(n: number) {
  return requestEntityTooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${n}`);
}

/**
 * `copy` can double a document per operation (a copy bomb); what copies add is counted and a
 * patch that would grow the object past the request limit is refused before it is built.
 */
export const MAX_JSON_PATCH_GROWTH_BYTES = 3 * 1024 * 1024;

/** Applies RFC 6902 operations to a copy of `target`. */
export function applyJsonPatch<T = Record<string, unknown>>(target: unknown, ops: unknown): T {
  const operations = checkShape(ops);
  try {
    let doc = deepClone(target);
    let grown = 0;
    for (const op of operations) {
      if (op.op === 'copy') {
        const copied = getValueByPointer(doc, op.from);
        grown += copied === undefined ? 0 : JSON.stringify(copied).length;
        if (grown > MAX_JSON_PATCH_GROWTH_BYTES) throw requestEntityTooLarge('the json patch would make the object too large');
      }
      doc = applyOperation(doc, op, true, true, true).newDocument;
    }
    return doc as T;
  } catch (e) {
    if (!(e instanceof JsonPatchError) && (e as { status?: unknown }).status) throw e;
    if (e instanceof JsonPatchError) {
      const what = `${e.name}${e.operation ? ` (${e.operation.op} ${e.operation.path})` : ''}`;
      if (SHAPE_ERRORS.has(e.name)) throw badRequest(`invalid json patch: ${what}`);
      throw unprocessable(`the json patch could not be applied: ${what}`);
    }
    throw unprocessable(`the json patch could not be applied: ${(e as Error).message}`);
  }
}
