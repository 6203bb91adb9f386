import { QueryError } from './pagination.errors';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

export interface PageRequest {
  limit?: number;
  cursor?: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const CURSOR_VERSION = 1;

/**
 * Cursors are opaque to clients: base64url of a small versioned JSON array holding the
 * keyset values of the last row of the previous page.
 */
export function encodeCursor(keys: readonly string[]): string {
  return Buffer.from(JSON.stringify([CURSOR_VERSION, ...keys]), 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeCursor with `arity` keys; anything else is INVALID_CURSOR. */
export function decodeCursor(cursor: string, arity: number): string[] {
  const invalid = () => new QueryError('INVALID_CURSOR', 'cursor is not one this API issued');
  if (cursor.length === 0 || cursor.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== arity + 1 || parsed[0] !== CURSOR_VERSION) throw invalid();
  const keys = parsed.slice(1);
  if (!keys.every((k): k is string => typeof k === 'string' && k.length > 0)) throw invalid();
  return keys;
}

export function pageLimit(request: PageRequest): number {
  const limit = request.limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new QueryError('INVALID_LIMIT', `limit must be an integer in 1..${MAX_PAGE_LIMIT}`);
  }
  return limit;
}

/**
 * Builds a page from rows fetched with `limit + 1`: the extra row only says there is more.
 */
export function toPage<T>(rows: T[], limit: number, keysOf: (row: T) => string[]): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(keysOf(last)) : null };
}
