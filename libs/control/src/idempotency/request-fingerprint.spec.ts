import { canonicalJson, IDEMPOTENCY_KEY_RE, requestFingerprint } from './request-fingerprint';

describe('request fingerprints', () => {
  it('sorts object keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
  });

  it('treats equal bodies as equal and different ones as different', () => {
    const a = requestFingerprint('post', '/v1/tenants', { name: 'x', labels: { a: '1', b: '2' } });
    const b = requestFingerprint('POST', '/v1/tenants', { labels: { b: '2', a: '1' }, name: 'x' });
    expect(a).toBe(b);
    expect(requestFingerprint('POST', '/v1/tenants', { name: 'y' })).not.toBe(requestFingerprint('POST', '/v1/tenants', { name: 'x' }));
    expect(requestFingerprint('POST', '/v1/tenants/a/workspaces', { name: 'x' })).not.toBe(requestFingerprint('POST', '/v1/tenants/b/workspaces', { name: 'x' }));
    expect(requestFingerprint('POST', '/p', undefined)).toBe(requestFingerprint('POST', '/p', null));
  });

  it('accepts visible ASCII keys up to 255 characters', () => {
    expect(IDEMPOTENCY_KEY_RE.test('3f2a-b')).toBe(true);
    expect(IDEMPOTENCY_KEY_RE.test('')).toBe(false);
    expect(IDEMPOTENCY_KEY_RE.test('a b')).toBe(false);
    expect(IDEMPOTENCY_KEY_RE.test('x'.repeat(256))).toBe(false);
  });
});
