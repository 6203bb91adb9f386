import { apiEnv, apiserverUrl, parseEnv, resolveSecrets } from '@kplane/config';
import { z } from 'zod';

/**
 * The API's env schema: the shared fragment plus the management-API rate limit (per
 * tenant API key's tenant; the admin token is not limited).
 */
export const managementApiEnv = apiEnv.extend({
  KPLANE_API_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().max(100_000).default(20),
  KPLANE_API_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(40),
});

export type ApiEnv = z.infer<typeof managementApiEnv>;

/** The API's typed, frozen configuration (the only place its settings come from). */
export interface ApiConfig {
  readonly env: Readonly<ApiEnv>;
  readonly adminToken: string;
  readonly masterKey: Buffer;
  /** Set only when this process generated the development admin token. */
  readonly generatedAdminToken?: string;
  /** Public base URL of the Kubernetes API server, without a trailing slash. */
  readonly apiserverBaseUrl: string;
  /** Maximum accepted request body, in bytes. */
  readonly bodyLimitBytes: number;
  /** Token bucket per tenant for requests made with tenant API keys. */
  readonly rateLimit: { readonly ratePerSecond: number; readonly burst: number };
}

export const API_CONFIG = Symbol('API_CONFIG');

/** Validates the environment (every problem at once) and resolves the secrets. */
export function loadApiConfig(environment?: NodeJS.ProcessEnv): ApiConfig {
  const env = parseEnv(managementApiEnv, environment);
  const secrets = resolveSecrets(env, { adminToken: true });
  if (!secrets.adminToken) throw new Error('admin token could not be resolved');
  return Object.freeze({
    env: Object.freeze(env),
    adminToken: secrets.adminToken,
    masterKey: secrets.masterKey,
    generatedAdminToken: secrets.generatedAdminToken,
    apiserverBaseUrl: apiserverUrl(env),
    bodyLimitBytes: 1024 * 1024,
    rateLimit: Object.freeze({ ratePerSecond: env.KPLANE_API_RATE_LIMIT_PER_SECOND, burst: env.KPLANE_API_RATE_LIMIT_BURST }),
  });
}
