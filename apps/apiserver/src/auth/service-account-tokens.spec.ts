import { randomBytes } from 'node:crypto';
import { ServiceAccountClaims, ServiceAccountTokens } from './service-account-tokens';

const WS_A = '0b6f4a34-7f9e-4c57-9a53-8c1f0f6f2a10';
const WS_B = '1c7f5b45-8f0a-4d68-8b64-9d2f1f7f3b21';

const claims = (workspace = WS_A, exp = Math.floor(Date.now() / 1000) + 600): ServiceAccountClaims => ({
  iss: 'https://x/clusters/a',
  sub: 'system:serviceaccount:demo:robot',
  aud: ['https://x/clusters/a'],
  iat: exp - 600,
  nbf: exp - 600,
  exp,
  'kubernetes.io': { namespace: 'demo', serviceaccount: { name: 'robot', uid: 'u-1' } },
  'kplane.io/workspace': workspace,
});

describe('ServiceAccountTokens', () => {
  const tokens = new ServiceAccountTokens(randomBytes(32));

  it('verifies its own tokens for the workspace they name', () => {
    const t = tokens.sign(WS_A, claims());
    expect(tokens.verify(WS_A, t)?.sub).toBe('system:serviceaccount:demo:robot');
    expect(ServiceAccountTokens.workspaceOf(t)).toBe(WS_A);
  });

  it.each([
    ['another workspace', (t: string) => tokens.verify(WS_B, t)],
    ['another master key', (t: string) => new ServiceAccountTokens(randomBytes(32)).verify(WS_A, t)],
    ['a changed payload', (t: string) => {
      const [h, , s] = t.split('.');
      return tokens.verify(WS_A, [h, Buffer.from(JSON.stringify(claims(WS_A, 9_999_999_999))).toString('base64url'), s].join('.'));
    }],
    ['alg none', (t: string) => {
      const [, p] = t.split('.');
      return tokens.verify(WS_A, [Buffer.from('{"alg":"none"}').toString('base64url'), p, 'x'].join('.'));
    }],
    ['garbage', () => tokens.verify(WS_A, 'a.b.c')],
    ['non-base64 parts', () => tokens.verify(WS_A, '!!.??.##')],
  ])('refuses %s', (_name, attempt) => {
    expect(attempt(tokens.sign(WS_A, claims()))).toBeNull();
  });

  it('refuses expired tokens and tokens whose claims name another workspace', () => {
    expect(tokens.verify(WS_A, tokens.sign(WS_A, claims(WS_A, Math.floor(Date.now() / 1000) - 1)))).toBeNull();
    expect(tokens.verify(WS_A, tokens.sign(WS_A, claims(WS_B)))).toBeNull();
  });
});
