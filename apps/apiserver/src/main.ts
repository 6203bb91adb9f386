import 'reflect-metadata';
import { createServer } from 'node:https';
import { ConfigError } from '@kplane/config';
import { ApiRequestCounter, AuditWriter, ClusterCaService, controlDataSourceOptions, controlPool, guardControlPool, issueServingCertificate, migrateControlSchema, SecretBox, WorkspaceDirectory, WorkspaceQuotaCache } from '@kplane/control';
import { createLogger } from '@kplane/observability';
import { PG_SESSION_OPTIONS, WatchHub, WorkspaceStore, WorkspaceWriteGate, WorkspaceWritePools } from '@kplane/store';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { loadApiserverConfig } from './apiserver-config';
import { createKubeRequestHandler } from './server';
import { isClosing } from './http/respond';
import { ApiRegistry } from './registry/api-registry';
import { RbacStateCache } from './auth/rbac-state';
import { WorkspaceAccessCache } from './auth/workspace-access-cache';
import { ServiceAccountTokens } from './auth/service-account-tokens';
import { WatchCounter, WorkspaceRateLimiter } from './filters/rate-limit.filter';
import { installWorkspaceQuotas, workspaceRateLimit } from './quota/workspace-quotas';
import { ApiserverMetrics } from './metrics/apiserver-metrics';

async function bootstrap(): Promise<void> {
  const config = loadApiserverConfig();
  const logger = createLogger({ app: 'kplane-apiserver', level: config.logLevel, pretty: config.pretty });
  await migrateControlSchema(config.databaseUrl);
  const ds = await new DataSource({ ...controlDataSourceOptions(config.databaseUrl), extra: { max: 5, application_name: 'kplane-apiserver', options: PG_SESSION_OPTIONS } }).initialize();
  const ca = await new ClusterCaService(ds, new SecretBox(config.masterKey)).ensureCa();
  const publicHost = new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, '');
  const serving = issueServingCertificate(ca, [...new Set([publicHost, '127.0.0.1', '::1', 'localhost'])]);
  const shardPool = new Pool({ connectionString: config.databaseUrl, max: 20, application_name: 'kplane-apiserver', options: PG_SESSION_OPTIONS });
  // A PostgreSQL restart kills idle connections; without these handlers that would crash the process.
  shardPool.on('error', (err) => logger.warn({ err: err.message }, 'shard pool connection lost'));
  controlPool(ds)?.on('error', (err: Error) => logger.warn({ err: err.message }, 'control pool connection lost'));
  guardControlPool(ds);
  // The watch hub reads the change log on connections of its own: events do not queue behind writes.
  const watchPool = new Pool({ connectionString: config.databaseUrl, max: 8, application_name: 'kplane-apiserver-watch', options: PG_SESSION_OPTIONS });
  watchPool.on('error', (err) => logger.warn({ err: err.message }, 'watch pool connection lost'));
  // Single-object writes run on pools of their own, each serving a share of the workspaces, so
  // their connections keep each workspace's prepared statements and plans (WorkspaceWritePools).
  const writePools = config.writePools > 0
    ? new WorkspaceWritePools({ connectionString: config.databaseUrl, application_name: 'kplane-apiserver-writes' }, config.writePools, config.writesInFlightPerWorkspace)
    : null;
  for (const p of writePools?.pools ?? []) p.on('error', (err) => logger.warn({ err: err.message }, 'write pool connection lost'));
  const watches = new WatchCounter(config.maxWatchesPerWorkspace);
  // One gate per process: a workspace's writes beyond a few in flight wait here, not on its revision
  // row in PostgreSQL, and one workspace's write storm cannot hold every pooled connection; the
  // writes that waited commit together.
  const writeGate = new WorkspaceWriteGate(config.writesInFlightPerWorkspace, config.writeBatchMax, config.writeTransactionsInFlight);
  const metrics = new ApiserverMetrics(() => [shardPool, watchPool, ...(writePools?.pools ?? [])], () => watches.total(), () => writeGate.stats);
  const usage = new ApiRequestCounter();
  usage.start(shardPool, 5000, (err) => logger.warn({ err: (err as Error).message }, 'usage counter flush failed'));
  const audit = new AuditWriter(shardPool, { onError: (err) => logger.warn({ err: (err as Error).message }, 'audit write failed') });
  const hub = new WatchHub({ pool: watchPool, listenConnection: { connectionString: config.databaseUrl, application_name: 'kplane-apiserver-watch' }, logger });
  await hub.start();
  const directory = new WorkspaceDirectory(ds);
  const access = new WorkspaceAccessCache(directory, { connectionString: config.databaseUrl, application_name: 'kplane-apiserver-directory' }, { logger });
  await access.start();
  // Tenant quotas (objects, storage, request rate), re-read every few seconds.
  const quotas = new WorkspaceQuotaCache((id) => directory.quotaFor(id), { ttlMs: 3000 });
  installWorkspaceQuotas(quotas);
  const registry = new ApiRegistry();
  const rbac = new RbacStateCache();
  hub.onChange((signal) => {
    registry.observe(signal);
    rbac.observe(signal);
  });
  const handler = createKubeRequestHandler({
    directory: access,
    poolFor: () => shardPool,
    storeFor: (a) => new WorkspaceStore(shardPool, a.workspaceId, { writeGate, writePool: writePools?.forWorkspace(a.workspaceId) }),
    hubFor: () => hub,
    watchLimits: config.watch,
    registry,
    rbac,
    saTokens: new ServiceAccountTokens(config.masterKey),
    rateLimiter: new WorkspaceRateLimiter(workspaceRateLimit(() => config.rateLimit, quotas)),
    watches,
    metrics,
    usage,
    audit,
    publicUrl: config.publicUrl,
    logger,
    serverAddress: new URL(config.publicUrl).host,
  });
  const server = createServer({ cert: serving.certPem + ca.certPem, key: serving.keyPem }, handler);
  // Slow clients cannot hold a socket forever while sending a request (watches are responses).
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  // Requests Node's parser refuses (oversized headers, malformed lines) still get a Status body.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // As Node's default handler: answer only if no response is already on this socket.
    const inFlight = (socket as unknown as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || socket.writableEnded || inFlight?.headersSent || isClosing(socket)) return socket.destroy();
    const code = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: code === 431 ? 'request header fields too large' : 'malformed HTTP request', reason: code === 431 ? 'RequestHeaderFieldsTooLarge' : 'BadRequest', code });
    socket.end(`HTTP/1.1 ${code} ${code === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  server.listen(config.port, () => logger.info({ port: config.port, url: config.publicUrl }, 'kplane apiserver listening'));
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close();
    // Watches end with a clean close; clients re-watch from their last revision elsewhere.
    await hub.stop();
    await access.stop();
    await audit.close().catch(() => undefined);
    await usage.stop(shardPool).catch(() => undefined);
    server.closeIdleConnections?.();
    setTimeout(() => process.exit(0), 10_000).unref();
    await shardPool.end().catch(() => undefined);
    await watchPool.end().catch(() => undefined);
    await writePools?.end().catch(() => undefined);
    await ds.destroy().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

bootstrap().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `kplane apiserver failed to start: ${(err as Error).message}`);
  process.exit(1);
});
