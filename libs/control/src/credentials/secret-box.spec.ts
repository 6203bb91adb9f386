import { randomBytes } from 'node:crypto';
import { generateWorkspaceToken, hashToken, SecretBox, secretsEqual } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips and never stores the plaintext', () => {
    const sealed = box.encrypt('kpw_secret');
    expect(sealed).not.toContain('kpw_secret');
    expect(box.decrypt(sealed)).toBe('kpw_secret');
    expect(box.encrypt('kpw_secret')).not.toBe(sealed);
  });

  it('refuses tampered ciphertext and other keys', () => {
    const sealed = box.encrypt('x');
    const parts = sealed.split(':');
    parts[3] = Buffer.from('y').toString('base64');
    expect(() => box.decrypt(parts.join(':'))).toThrow();
    expect(() => new SecretBox(randomBytes(32)).decrypt(sealed)).toThrow();
  });
});

describe('tokens', () => {
  it('are random, hashed deterministically and compared by value', () => {
    const a = generateWorkspaceToken();
    expect(a).not.toBe(generateWorkspaceToken());
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(a)).toBe(hashToken(a));
    expect(secretsEqual(a, a)).toBe(true);
    expect(secretsEqual(a, a + 'x')).toBe(false);
    expect(secretsEqual('', a)).toBe(false);
  });
});
