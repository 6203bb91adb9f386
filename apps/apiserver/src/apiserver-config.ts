import { apiserverEnv, apiserverUrl, parseEnv, resolveSecrets } from '@kplane/config';

export interface ApiserverConfig {
  databaseUrl: string;
  port: number;
  publicUrl: string;
  masterKey: Buffer;
  logLevel: string;
  pretty: boolean;
  watch: { minTimeoutSeconds: number; maxTimeoutSeconds: number };
  rateLimit: { perSecond: number; burst: number };
  maxWatchesPerWorkspace: number;
  /** Transactions of single-object writes of one workspace in PostgreSQL at once (WorkspaceWriteGate). */
  writesInFlightPerWorkspace: number;
  /** Writes that waited run together, up to this many per transaction (WorkspaceWriteGate). */
  writeBatchMax: number;
  /** Write transactions in PostgreSQL at once, all workspaces together (Infinity: no bound). */
  writeTransactionsInFlight: number;
  /** Pools that single-object writes are spread over by workspace (0: they use the shard pool). */
  writePools: number;
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
    watch: {
      minTimeoutSeconds: Math.min(env.KPLANE_WATCH_MIN_TIMEOUT_SECONDS, env.KPLANE_WATCH_MAX_TIMEOUT_SECONDS),
      maxTimeoutSeconds: env.KPLANE_WATCH_MAX_TIMEOUT_SECONDS,
    },
    rateLimit: { perSecond: env.KPLANE_WORKSPACE_RATE_LIMIT_PER_SECOND, burst: env.KPLANE_WORKSPACE_RATE_LIMIT_BURST },
    maxWatchesPerWorkspace: env.KPLANE_MAX_WATCHES_PER_WORKSPACE,
    writesInFlightPerWorkspace: env.KPLANE_WRITES_IN_FLIGHT_PER_WORKSPACE,
    writeBatchMax: env.KPLANE_WRITE_BATCH_MAX,
    writeTransactionsInFlight: env.KPLANE_WRITE_TRANSACTIONS_IN_FLIGHT || Infinity,
    writePools: env.KPLANE_WRITE_POOLS,
  });
}
