import { StoreError } from '../store.errors';

/**
 * Keyset continue token: the last (namespace, name) served and the first page's revision,
 * base64url JSON. It never expires: later pages are served from the current state.
 */
export interface ContinueToken {
  rv: string;
  ns: string;
  name: string;
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ rv: token.rv, ns: token.ns, name: token.name }), 'utf8').toString('base64url');
}

export function decodeContinue(raw: string): ContinueToken {
  const invalid = () => new StoreError('STORE_INVALID_CONTINUE', 'continue token is not valid');
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4096 || !/^[A-Za-z0-9_-]+={0,2}$/.test(raw)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const t = parsed as Partial<ContinueToken> | null;
  if (
    !t ||
    typeof t !== 'object' ||
    typeof t.rv !== 'string' ||
    !/^[1-9][0-9]{0,18}$/.test(t.rv) ||
    typeof t.ns !== 'string' ||
    typeof t.name !== 'string' ||
    t.name.length === 0
  ) {
    throw invalid();
  }
  return { rv: t.rv, ns: t.ns, name: t.name };
}
