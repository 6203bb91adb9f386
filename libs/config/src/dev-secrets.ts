import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DevSecret {
  value: string;
  /** True only for the process that generated it, so the token is printed once. */
  created: boolean;
}

/**
 * Reads a development secret from KPLANE_DATA_DIR, generating it on first use.
 * 'wx' makes creation atomic, so apps started together agree on one value.
 */
export function devSecret(dataDir: string, file: string, generate: () => string): DevSecret {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, file);
  const value = generate();
  try {
    writeFileSync(path, value + '\n', { flag: 'wx', mode: 0o600 });
    return { value, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { value: readFileSync(path, 'utf8').trim(), created: false };
  }
}

export const generateAdminToken = (): string => 'kpa_' + randomBytes(24).toString('base64url');
export const generateMasterKey = (): string => randomBytes(32).toString('base64');
