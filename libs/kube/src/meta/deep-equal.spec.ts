import fc from 'fast-check';
import { deepClone, deepEqual } from './deep-equal';

const viaJson = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('deepClone', () => {
  it('gives what a JSON round trip gives, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(deepClone(v)).toEqual(viaJson(v));
      }),
    );
  });

  it('copies: changing the copy leaves the original alone', () => {
    const original = { metadata: { labels: { a: '1' }, finalizers: ['x'] }, spec: { replicas: 1 } };
    const copy = deepClone(original);
    copy.metadata.labels.a = '2';
    copy.metadata.finalizers.push('y');
    copy.spec.replicas = 3;
    expect(original).toEqual({ metadata: { labels: { a: '1' }, finalizers: ['x'] }, spec: { replicas: 1 } });
  });

  it('drops and nulls what JSON drops and nulls', () => {
    const odd = {
      gone: undefined,
      fn: () => 1,
      sym: Symbol('s'),
      list: [undefined, () => 1, Symbol('s'), 1],
      nums: [NaN, Infinity, -Infinity, -0, 2.5],
      when: new Date('2026-11-24T00:00:00Z'),
      nested: { toJSON: () => ({ replaced: true }) },
    };
    expect(deepClone(odd)).toEqual(viaJson(odd));
    expect(deepClone(odd)).toEqual({ list: [null, null, null, 1], nums: [null, null, null, 0, 2.5], when: '2026-11-24T00:00:00.000Z', nested: { replaced: true } });
  });

  it('copies a "__proto__" key as an own property, as JSON.parse makes it, never as the prototype', () => {
    const parsed = JSON.parse('{"metadata":{"__proto__":{"name":"injected"},"labels":{"__proto__":"x"}}}');
    const copy = deepClone(parsed);
    expect(copy).toEqual(viaJson(parsed));
    expect(Object.getPrototypeOf(copy.metadata)).toBe(Object.prototype);
    expect(copy.metadata.name).toBeUndefined();
    expect(Object.keys(copy.metadata.labels)).toEqual(['__proto__']);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(parsed));
  });

  it('keeps undefined as undefined at the top (as before)', () => {
    expect(deepClone(undefined)).toBeUndefined();
  });
});

describe('deepEqual', () => {
  it('ignores key order and undefined properties, compares arrays in order', () => {
    expect(deepEqual({ a: 1, b: [1, 2], c: undefined }, { b: [1, 2], a: 1 })).toBe(true);
    expect(deepEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
  });
});
