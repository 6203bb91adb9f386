import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * ServiceAccount tokens are JWTs (as `kubectl create token` users expect), signed with HS256 by a
 * key derived from the master key and the workspace id: nothing to store, and a token of one
 * workspace can never verify in another.
 */
export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  'kubernetes.io': { namespace: string; serviceaccount: { name: string; uid: string } };
  'kplane.io/workspace': string;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export class ServiceAccountTokens {
  constructor(private readonly masterKey: Buffer) {}

  private key(workspaceId: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.masterKey, Buffer.from(workspaceId), Buffer.from('kplane service account tokens v1'), 32));
  }

  sign(workspaceId: string, claims: ServiceAccountClaims): string {
    const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: 'kplane-v1' }));
    const body = b64url(JSON.stringify(claims));
    const sig = createHmac('sha256', this.key(workspaceId)).update(`${head}.${body}`).digest();
    return `${head}.${body}.${b64url(sig)}`;
  }

  /** Claims of a valid, unexpired token of this workspace; null otherwise (never throws). */
  verify(workspaceId: string, token: string, now = Date.now()): ServiceAccountClaims | null {
    const parts = token.split('.');
    if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return null;
    try {
      const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
      if (header?.alg !== 'HS256') return null;
      const expected = createHmac('sha256', this.key(workspaceId)).update(`${parts[0]}.${parts[1]}`).digest();
      const given = Buffer.from(parts[2], 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as ServiceAccountClaims;
      const seconds = Math.floor(now / 1000);
      if (typeof claims.exp !== 'number' || claims.exp <= seconds || (typeof claims.nbf === 'number' && claims.nbf > seconds + 60)) return null;
      if (claims['kplane.io/workspace'] !== workspaceId) return null;
      const sa = claims['kubernetes.io']?.serviceaccount;
      if (!sa?.name || !sa.uid || !claims['kubernetes.io']?.namespace) return null;
      return claims;
    } catch {
      return null;
    }
  }

  /** The workspace a token names, to route prefix-less requests (§2 T17); unverified. */
  static workspaceOf(token: string): string | null {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    try {
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
      return typeof claims['kplane.io/workspace'] === 'string' ? claims['kplane.io/workspace'] : null;
    } catch {
      return null;
    }
  }
}
