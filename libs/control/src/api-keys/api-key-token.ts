import { randomBytes } from 'node:crypto';

/** Prefix of tenant API keys (admin tokens are `kpa_`, workspace tokens `kpw_`). */
export const API_KEY_PREFIX = 'kpk_';

/** 192 random bits: a plain SHA-256 (hashToken) is a safe lookup hash. */
export function generateApiKeyToken(): string {
  return API_KEY_PREFIX + randomBytes(24).toString('base64url');
}

/** Cheap shape check before any database lookup. */
export function looksLikeApiKeyToken(token: string): boolean {
  return token.length === API_KEY_PREFIX.length + 32 && token.startsWith(API_KEY_PREFIX) && /^[A-Za-z0-9_-]+$/.test(token.slice(API_KEY_PREFIX.length));
}
