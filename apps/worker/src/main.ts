import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@kplane/config';
import { migrateControlSchema } from '@kplane/control';
import { Logger } from 'nestjs-pino';
import { loadWorkerConfig } from './worker-config';
import { workerModule } from './worker.module';

/** The worker has no HTTP surface: a Nest application context running BullMQ processors. */
async function bootstrap(): Promise<void> {
  const config = loadWorkerConfig();
  await migrateControlSchema(config.databaseUrl);
  const app = await NestFactory.createApplicationContext(workerModule(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.get(Logger).log('kplane worker started');
}

bootstrap().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `kplane worker failed to start: ${(err as Error).message}`);
  process.exit(1);
});
