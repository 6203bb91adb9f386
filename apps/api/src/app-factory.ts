import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { guardControlPool, migrateControlSchema } from '@kplane/control';
import { DataSource } from 'typeorm';
import { Logger } from 'nestjs-pino';
import { ApiModule } from './api.module';
import { ApiConfig } from './api-config';
import { AuditRecorder } from './audit/audit-recorder';
import { requireJsonBodies } from './http/json-body.middleware';
import { checkJsonShape } from './http/json-shape.middleware';
import { ProblemView } from './http/problem.response';
import { HttpMetrics } from './metrics/http-metrics';

/**
 * Builds the management API (not yet listening): migrates the control schema, wires Nest,
 * JSON bodies up to 1 MiB, metrics, Swagger at /docs and /openapi.json, shutdown hooks.
 * Tests call it and then `app.listen(0)`.
 */
export async function createApiApp(config: ApiConfig): Promise<NestExpressApplication> {
  await migrateControlSchema(config.env.DATABASE_URL);

  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  guardControlPool(app.get(DataSource));
  app.disable('x-powered-by');
  app.use(app.get(HttpMetrics).middleware());
  // Before the body parser, so that changes refused there (413, 415, 400) are audited too.
  app.use(app.get(AuditRecorder).middleware());
  app.use(requireJsonBodies);
  app.useBodyParser('json', { limit: config.bodyLimitBytes, type: ['application/json', 'application/*+json'] });
  app.use(checkJsonShape);
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('kplane management API')
      .setDescription('Tenants, workspaces (virtual Kubernetes control planes), operations and quotas.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
    { extraModels: [ProblemView] },
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
  return app;
}
