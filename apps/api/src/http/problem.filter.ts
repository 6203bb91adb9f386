import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import {
  ApiKeyError,
  ApiKeyErrorCode,
  AuditError,
  AuditErrorCode,
  RateLimitError,
  RateLimitErrorCode,
  UsageError,
  UsageErrorCode,
  WebhookError,
  WebhookErrorCode,
  IdempotencyError,
  IdempotencyErrorCode,
  isDataException,
  isDatabaseUnavailable,
  OperationError,
  OperationErrorCode,
  QueryError,
  QueryErrorCode,
  TenantError,
  TenantErrorCode,
  WorkspaceError,
  WorkspaceErrorCode,
} from '@kplane/control';
import type { Request, Response } from 'express';
import type { AuditLocals } from '../audit/audit-recorder';
import { AuthError, AuthErrorCode } from './auth.errors';
import { FieldProblem, problem, PROBLEM_CONTENT_TYPE, ProblemDetails } from './problem';
import { RequestValidationError } from './request-validation';

type DomainError = TenantError | WorkspaceError | OperationError | IdempotencyError | QueryError | AuthError | ApiKeyError | AuditError | RateLimitError | UsageError | WebhookError;
export type DomainErrorCode =
  | TenantErrorCode
  | WorkspaceErrorCode
  | OperationErrorCode
  | IdempotencyErrorCode
  | QueryErrorCode
  | AuthErrorCode
  | ApiKeyErrorCode
  | AuditErrorCode
  | RateLimitErrorCode
  | UsageErrorCode
  | WebhookErrorCode;

function assertNever(code: never): never {
  throw new Error(`unmapped error code ${String(code)}`);
}

/** The contract's status table. Exhaustive: a new code that is not mapped fails to compile. */
export function statusForCode(code: DomainErrorCode): number {
  switch (code) {
    case 'INVALID_CURSOR':
    case 'INVALID_LIMIT':
    case 'INVALID_LABEL_SELECTOR':
    case 'IDEMPOTENCY_KEY_INVALID':
    case 'AUDIT_FILTER_INVALID':
    case 'USAGE_PERIOD_INVALID':
      return 400;
    case 'UNAUTHENTICATED':
      return 401;
    case 'ADMIN_ONLY':
      return 403;
    case 'TENANT_NOT_FOUND':
    case 'WORKSPACE_NOT_FOUND':
    case 'OPERATION_NOT_FOUND':
    case 'API_KEY_NOT_FOUND':
    case 'WEBHOOK_NOT_FOUND':
      return 404;
    case 'TENANT_NAME_TAKEN':
    case 'TENANT_DELETING':
    case 'WORKSPACE_NAME_TAKEN':
    case 'WORKSPACE_NOT_READY':
    case 'WORKSPACE_DELETING':
    case 'WORKSPACE_CREDENTIALS_MISSING':
    case 'IDEMPOTENCY_REQUEST_IN_PROGRESS':
    case 'API_KEY_NAME_TAKEN':
      return 409;
    case 'TENANT_INVALID':
    case 'WORKSPACE_INVALID':
    case 'QUOTA_EXCEEDED':
    case 'IDEMPOTENCY_KEY_REUSED':
    case 'API_KEY_INVALID':
    case 'WEBHOOK_INVALID':
      return 422;
    case 'RATE_LIMITED':
      return 429;
    case 'CLUSTER_CA_MISSING':
      return 503;
    default:
      return assertNever(code);
  }
}

function isDomainError(err: unknown): err is DomainError {
  return (
    err instanceof TenantError ||
    err instanceof WorkspaceError ||
    err instanceof OperationError ||
    err instanceof IdempotencyError ||
    err instanceof QueryError ||
    err instanceof AuthError ||
    err instanceof ApiKeyError ||
    err instanceof AuditError ||
    err instanceof RateLimitError ||
    err instanceof UsageError ||
    err instanceof WebhookError
  );
}

interface HttpishError {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  expose?: unknown;
  message?: unknown;
}

interface Answer {
  body: ProblemDetails;
  headers?: Record<string, string>;
}

/**
 * Every error leaves as application/problem+json: domain errors by code, validation and
 * body-parser failures, Nest's own 404s, an unreachable Postgres (503). Anything else is
 * a 500 and is logged.
 */
@Catch()
export class ProblemExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const answer = this.toAnswer(exception, req);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (answer.body.code) (res.locals as AuditLocals).auditErrorCode = answer.body.code;
    for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
    res.status(answer.body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(answer.body));
  }

  private toAnswer(err: unknown, req: Request): Answer {
    if (err instanceof RequestValidationError) {
      return { body: problem(err.status, err.message, { code: err.status === 400 ? 'BAD_REQUEST' : 'VALIDATION_FAILED', errors: err.problems }) };
    }
    if (isDomainError(err)) {
      const status = statusForCode(err.code);
      const fields: FieldProblem[] = 'fields' in err ? err.fields : [];
      const headers: Record<string, string> = {};
      if (err.code === 'UNAUTHENTICATED') headers['WWW-Authenticate'] = 'Bearer realm="kplane"';
      if (err.code === 'IDEMPOTENCY_REQUEST_IN_PROGRESS' || err.code === 'CLUSTER_CA_MISSING') headers['Retry-After'] = '1';
      if (err instanceof RateLimitError) headers['Retry-After'] = String(err.retryAfterSeconds);
      return { body: problem(status, err.message, { code: err.code, errors: fields }), headers };
    }
    if (err instanceof HttpException) {
      const status = err.getStatus();
      const response = err.getResponse();
      const message =
        typeof response === 'object' && response && 'message' in response
          ? [(response as { message: unknown }).message].flat().join('; ')
          : err.message;
      if (status >= 500) this.logger.error({ err, method: req.method, url: req.originalUrl }, 'server error');
      return { body: problem(status, status === 404 ? `no route for ${req.method} ${req.originalUrl.split('?')[0]}` : message) };
    }
    const httpish = (err ?? {}) as HttpishError;
    if (httpish.type === 'entity.too.large') {
      return { body: problem(413, 'the request body is larger than the 1 MiB limit', { code: 'PAYLOAD_TOO_LARGE' }) };
    }
    if (httpish.type === 'entity.parse.failed' || err instanceof SyntaxError) {
      return { body: problem(400, 'the request body is not valid JSON', { code: 'MALFORMED_JSON' }) };
    }
    const status = typeof httpish.status === 'number' ? httpish.status : typeof httpish.statusCode === 'number' ? httpish.statusCode : undefined;
    if (status !== undefined && status >= 400 && status < 500) {
      return { body: problem(status, typeof httpish.message === 'string' && httpish.expose !== false ? httpish.message : 'bad request') };
    }
    if (isDatabaseUnavailable(err)) {
      this.logger.warn({ method: req.method, url: req.originalUrl, err: (err as Error)?.message }, 'database unavailable');
      return {
        body: problem(503, 'the database is unavailable or too busy; nothing was changed, retry later', { code: 'DEPENDENCY_UNAVAILABLE' }),
        headers: { 'Retry-After': '5' },
      };
    }
    if (isDataException(err)) {
      return { body: problem(400, 'the request contains a value that cannot be stored', { code: 'BAD_REQUEST' }) };
    }
    this.logger.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error');
    return { body: problem(500, 'internal error', { code: 'INTERNAL' }) };
  }
}
