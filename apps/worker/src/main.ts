import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@kplane/config';
import { guardControlPool, migrateControlSchema } from '@kplane/control';
import { DataSource } from 'typeorm';
import { Logger } from 'nestjs-pino';
import { MetricsEndpoint } from './metrics/metrics-endpoint';
import { loadWorkerConfig } from './worker-config';
import { workerModule } from './worker.module';

/**
 * A Nest application context running BullMQ processors; its only HTTP surface is /metrics.
 * SIGTERM/SIGINT: stop taking jobs and let running ones finish (BullMQ worker.close()), close the
 * pools, exit. Past KPLANE_WORKER_SHUTDOWN_SECONDS the process exits anyway: jobs still running
 * keep their Redis lock only until it lapses, then another worker runs them again from the start
 * (every step is idempotent), and their workspace locks go with the database sessions.
 */
async function bootstrap(): Promise<void> {
  const config = loadWorkerConfig();
  await migrateControlSchema(config.databaseUrl);
  const app = await NestFactory.createApplicationContext(workerModule(config), { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  guardControlPool(app.get(DataSource));
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`kplane worker stopping (${signal}); running jobs get ${config.shutdownSeconds}s`);
    app.get(MetricsEndpoint).beginShutdown();
    setTimeout(() => {
      logger.warn('kplane worker shutdown timed out; exiting with jobs still running (they return to the queue)');
      process.exit(1);
    }, config.shutdownSeconds * 1000).unref();
    app
      .close()
      .then(() => process.exit(0))
      .catch((err: Error) => {
        console.error(`kplane worker shutdown failed: ${err.message}`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  await app.init();
  logger.log('kplane worker started');
}

bootstrap().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `kplane worker failed to start: ${(err as Error).message}`);
  process.exit(1);
});
