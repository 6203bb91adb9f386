import { z } from 'zod';
import { devSecret, generateAdminToken, generateMasterKey } from './dev-secrets';

export class ConfigError extends Error {}

export interface ResolvedSecrets {
  masterKey: Buffer;
  adminToken?: string;
  /** Set when this process generated the development admin token (to print it once). */
  generatedAdminToken?: string;
}

/** Validates the environment against an app's schema and reports every problem at once. */
export function parseEnv<S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    // Only names and reasons: values may be secrets.
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

/**
 * In production the admin token and master key must be given; in development they are
 * generated once and kept under KPLANE_DATA_DIR.
 */
export function resolveSecrets(
  env: { NODE_ENV: string; KPLANE_DATA_DIR: string; KPLANE_MASTER_KEY?: string; KPLANE_ADMIN_TOKEN?: string },
  needs: { adminToken: boolean },
): ResolvedSecrets {
  const missing: string[] = [];
  const production = env.NODE_ENV === 'production';
  let masterKey = env.KPLANE_MASTER_KEY;
  let adminToken = env.KPLANE_ADMIN_TOKEN;
  let generatedAdminToken: string | undefined;
  if (!masterKey) {
    if (production) missing.push('KPLANE_MASTER_KEY');
    else masterKey = devSecret(env.KPLANE_DATA_DIR, 'master-key', generateMasterKey).value;
  }
  if (needs.adminToken && !adminToken) {
    if (production) missing.push('KPLANE_ADMIN_TOKEN');
    else {
      const secret = devSecret(env.KPLANE_DATA_DIR, 'admin-token', generateAdminToken);
      adminToken = secret.value;
      if (secret.created) generatedAdminToken = secret.value;
    }
  }
  if (missing.length) {
    throw new ConfigError(`invalid configuration:\n${missing.map((m) => `  ${m}: required when NODE_ENV=production`).join('\n')}`);
  }
  const key = Buffer.from(masterKey!, 'base64');
  if (key.length !== 32) throw new ConfigError('invalid configuration:\n  KPLANE_MASTER_KEY: must be 32 bytes, base64-encoded');
  return { masterKey: key, adminToken, generatedAdminToken };
}

export function apiserverUrl(env: { KPLANE_APISERVER_URL?: string; APISERVER_PORT: number }): string {
  return (env.KPLANE_APISERVER_URL ?? `https://127.0.0.1:${env.APISERVER_PORT}`).replace(/\/+$/, '');
}
