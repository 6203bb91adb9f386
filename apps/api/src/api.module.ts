import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  ApiKeysRepository,
  ApiKeysService,
  AuditLog,
  APISERVER_BASE_URL,
  controlDataSourceOptions,
  IdempotencyService,
  OPERATION_DISPATCHER,
  OperationsRepository,
  OperationsService,
  SecretBox,
  TenantsRepository,
  TenantsService,
  WorkspaceKubeconfigService,
  WorkspacesRepository,
  SpareWorkspacesRepository,
  WorkspacesService,
  UsageRepository,
  UsageService,
  WebhooksRepository,
  WebhooksService,
} from '@kplane/control';
import { createLogger } from '@kplane/observability';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { API_CONFIG, ApiConfig } from './api-config';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { AuditController } from './audit/audit.controller';
import { AuditRecorder } from './audit/audit-recorder';
import { HealthController } from './health/health.controller';
import { RateLimitGuard } from './http/rate-limit.guard';
import { BearerAuthGuard } from './http/auth.guard';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';
import { ProblemExceptionFilter } from './http/problem.filter';
import { ApiValidationPipe } from './http/request-validation';
import { HttpMetrics } from './metrics/http-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { OperationsController } from './operations/operations.controller';
import { LifecycleDispatcher } from './queue/lifecycle-dispatcher';
import { RedisClient } from './queue/redis-client';
import { QuotaController } from './quota/quota.controller';
import { TenantsController } from './tenants/tenants.controller';
import { WorkspacesController } from './workspaces/workspaces.controller';
import { WorkspaceChangeSignals } from './workspaces/workspace-change-signals';
import { UsageController } from './usage/usage.controller';
import { WebhooksController } from './webhooks/webhooks.controller';

/**
 * How long a request waits for a pooled connection before it is answered 503 (nothing changed,
 * Retry-After). A database that is down refuses connections at once, so this only decides when a
 * busy one turns a burst into failures: at 5 s, 500 workspace creates at once had 14-215 of them
 * refused while the API's 10 connections were queued behind its own saturated event loop.
 */
const CONNECTION_WAIT_MS = 15_000;

const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

@Module({})
export class ApiModule {
  static forRoot(config: ApiConfig): DynamicModule {
    const logger = createLogger({
      app: 'api',
      level: config.env.LOG_LEVEL,
      pretty: config.env.NODE_ENV === 'development' && process.stdout.isTTY === true,
    });
    const dataSource = controlDataSourceOptions(config.env.DATABASE_URL);
    return {
      module: ApiModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger,
            genReqId: (req) => {
              const given = req.headers['x-request-id'];
              return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
            },
            autoLogging: { ignore: (req) => QUIET_PATHS.has((req.url ?? '').split('?')[0] ?? '') },
          },
        }),
        TypeOrmModule.forRoot({
          ...dataSource,
          extra: { ...dataSource.extra, application_name: 'kplane-api', connectionTimeoutMillis: CONNECTION_WAIT_MS },
          retryAttempts: 3,
          retryDelay: 1000,
        }),
      ],
      controllers: [HealthController, MetricsController, TenantsController, QuotaController, WorkspacesController, OperationsController, ApiKeysController, AuditController, UsageController, WebhooksController],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: SecretBox, useValue: new SecretBox(config.masterKey) },
        { provide: APISERVER_BASE_URL, useValue: config.apiserverBaseUrl },
        RedisClient,
        LifecycleDispatcher,
        { provide: OPERATION_DISPATCHER, useExisting: LifecycleDispatcher },
        TenantsRepository,
        WorkspacesRepository,
        SpareWorkspacesRepository,
        OperationsRepository,
        TenantsService,
        WorkspacesService,
        WorkspaceKubeconfigService,
        WorkspaceChangeSignals,
        OperationsService,
        IdempotencyService,
        ApiKeysRepository,
        ApiKeysService,
        { provide: AuditLog, useFactory: (ds: DataSource) => new AuditLog(ds), inject: [DataSource] },
        AuditRecorder,
        HttpMetrics,
        UsageRepository,
        UsageService,
        WebhooksRepository,
        WebhooksService,
        // Guards run in this order: who is calling, then their tenant's rate limit.
        { provide: APP_GUARD, useClass: BearerAuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: APP_FILTER, useClass: ProblemExceptionFilter },
        { provide: APP_PIPE, useClass: ApiValidationPipe },
      ],
    };
  }
}
