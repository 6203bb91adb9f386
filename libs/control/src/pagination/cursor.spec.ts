import { decodeCursor, encodeCursor, pageLimit, toPage } from './cursor';
import { QueryError } from './pagination.errors';

describe('cursor', () => {
  it('round-trips keys', () => {
    expect(decodeCursor(encodeCursor(['acme']), 1)).toEqual(['acme']);
    expect(decodeCursor(encodeCursor(['2024-01-01T00:00:00.123456Z', 'id']), 2)).toEqual(['2024-01-01T00:00:00.123456Z', 'id']);
  });

  it('is opaque url-safe text', () => {
    expect(encodeCursor(['a/b+c?'])).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['empty', ''],
    ['not base64url', '!!!'],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['not an array', Buffer.from('{"a":1}').toString('base64url')],
    ['wrong version', Buffer.from('[2,"a"]').toString('base64url')],
    ['wrong arity', encodeCursor(['a', 'b'])],
    ['non-string key', Buffer.from('[1,5]').toString('base64url')],
    ['empty key', Buffer.from('[1,""]').toString('base64url')],
    ['too long', 'a'.repeat(2000)],
  ])('rejects a cursor that is %s', (_, cursor) => {
    expect(() => decodeCursor(cursor, 1)).toThrow(QueryError);
    try {
      decodeCursor(cursor, 1);
    } catch (err) {
      expect((err as QueryError).code).toBe('INVALID_CURSOR');
    }
  });
});

describe('pageLimit', () => {
  it('defaults to 50 and accepts 1..500', () => {
    expect(pageLimit({})).toBe(50);
    expect(pageLimit({ limit: 1 })).toBe(1);
    expect(pageLimit({ limit: 500 })).toBe(500);
  });

  it.each([0, 501, 1.5, NaN])('rejects %p', (limit) => {
    expect(() => pageLimit({ limit })).toThrow(expect.objectContaining({ code: 'INVALID_LIMIT' }));
  });
});

describe('toPage', () => {
  it('uses the extra row only to know there is a next page', () => {
    const page = toPage(['a', 'b', 'c'], 2, (r) => [r]);
    expect(page.items).toEqual(['a', 'b']);
    expect(decodeCursor(page.nextCursor!, 1)).toEqual(['b']);
    expect(toPage(['a', 'b'], 2, (r) => [r])).toEqual({ items: ['a', 'b'], nextCursor: null });
    expect(toPage([], 2, (r: string) => [r])).toEqual({ items: [], nextCursor: null });
  });
});
