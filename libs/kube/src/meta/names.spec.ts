import { generateName, validateName } from './names';
import { formatMicroTime, formatTime, nowTimestamp, parseBoolParam } from './time-and-params';

describe('validateName', () => {
  it.each([
    ['dns1123-label', 'demo', true],
    ['dns1123-label', 'a', true],
    ['dns1123-label', '0-a-9', true],
    ['dns1123-label', 'a'.repeat(63), true],
    ['dns1123-label', 'a'.repeat(64), false],
    ['dns1123-label', 'Demo', false],
    ['dns1123-label', 'a.b', false],
    ['dns1123-label', '-a', false],
    ['dns1123-label', 'a-', false],
    ['dns1123-label', '', false],
    ['dns1123-subdomain', 'a.b-c.d', true],
    ['dns1123-subdomain', 'widgets.example.com', true],
    ['dns1123-subdomain', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, true],
    ['dns1123-subdomain', 'a'.repeat(254), false],
    ['dns1123-subdomain', 'a..b', false],
    ['dns1123-subdomain', '.a', false],
    ['dns1123-subdomain', 'a_b', false],
    ['dns1123-subdomain', 'A', false],
    ['path-segment', 'system:controller:x', true],
    ['path-segment', 'Any Thing_!', true],
    ['path-segment', '.', false],
    ['path-segment', '..', false],
    ['path-segment', 'a/b', false],
    ['path-segment', 'a%2f', false],
    ['path-segment', '...', true],
  ] as const)('%s %j valid=%s', (rule, name, ok) => {
    expect(validateName(rule, name).length === 0).toBe(ok);
  });
});

describe('generateName', () => {
  it('appends 5 chars from the apiserver alphabet', () => {
    const n = generateName('gen-');
    expect(n).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
  it('cuts the prefix to 58 characters', () => {
    const n = generateName('p'.repeat(80));
    expect(n).toHaveLength(63);
    expect(n.startsWith('p'.repeat(58))).toBe(true);
  });
  it('is random', () => {
    expect(new Set(Array.from({ length: 20 }, () => generateName('x-'))).size).toBeGreaterThan(15);
  });
});

describe('time and params', () => {
  it('formats whole seconds', () => {
    expect(formatTime(new Date('2026-11-23T22:41:08.789Z'))).toBe('2026-11-23T22:41:08Z');
    expect(nowTimestamp()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
  it('formats micro time with 6 digits', () => {
    expect(formatMicroTime(new Date('2026-11-23T22:41:08.789Z'), 12)).toBe('2026-11-23T22:41:08.789012Z');
  });
  it.each([
    [undefined, undefined],
    ['true', true],
    ['True', true],
    ['1', true],
    ['', true],
    ['yes', true],
    ['0', false],
    ['false', false],
    ['FALSE', false],
    ['False', false],
  ])('parseBoolParam(%j) = %j', (v, want) => {
    expect(parseBoolParam(v)).toBe(want);
  });
});
