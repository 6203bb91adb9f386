import { apiEnv, apiserverUrl, parseEnv, resolveSecrets } from '@kplane/config';
import type { z } from 'zod';

export type ApiEnv = z.infer<typeof apiEnv>;

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
}

export const API_CONFIG = Symbol('API_CONFIG');

/** Validates the environment (every problem at once) and resolves the secrets. */
export function loadApiConfig(environment?: NodeJS.ProcessEnv): ApiConfig {
  const env = parseEnv(apiEnv, environment);
  const secrets = resolveSecrets(env, { adminToken: true });
  if (!secrets.adminToken) throw new Error('admin token could not be resolved');
  return Object.freeze({
    env: Object.freeze(env),
    adminToken: secrets.adminToken,
    masterKey: secrets.masterKey,
    generatedAdminToken: secrets.generatedAdminToken,
    apiserverBaseUrl: apiserverUrl(env),
    bodyLimitBytes: 1024 * 1024,
  });
}
