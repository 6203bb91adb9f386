import { apiserverEnv, apiserverUrl, parseEnv, resolveSecrets } from '@kplane/config';

export interface ApiserverConfig {
  databaseUrl: string;
  port: number;
  publicUrl: string;
  masterKey: Buffer;
  logLevel: string;
  pretty: boolean;
}

export function loadApiserverConfig(): ApiserverConfig {
  const env = parseEnv(apiserverEnv);
  const secrets = resolveSecrets(env, { adminToken: false });
  return Object.freeze({
    databaseUrl: env.DATABASE_URL,
    port: env.APISERVER_PORT,
    publicUrl: apiserverUrl(env),
    masterKey: secrets.masterKey,
    logLevel: env.LOG_LEVEL,
    pretty: env.NODE_ENV === 'development' && process.stdout.isTTY === true,
  });
}
