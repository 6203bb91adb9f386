import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { IdempotencyService, principalId, requestFingerprint } from '@kplane/control';
import type { Response } from 'express';
import { catchError, from, mergeMap, Observable, of, switchMap, throwError } from 'rxjs';
import { AuthenticatedRequest } from './auth.guard';

/** Response headers worth replaying with the body. */
const REPLAYED_HEADERS = ['location'];

/**
 * `Idempotency-Key` on POST: the first request claims the key and stores its response once
 * it succeeds; the same key with the same request replays that response (status, body,
 * Location); with a different request it is 422. A failed request releases the key.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(private readonly idempotency: IdempotencyService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<AuthenticatedRequest>();
    const res = http.getResponse<Response>();
    const key = req.headers['idempotency-key'];
    if (req.method !== 'POST' || typeof key !== 'string' || !req.principal) return next.handle();

    const principal = principalId(req.principal);
    const fingerprint = requestFingerprint(req.method, req.originalUrl.split('?')[0] ?? '', req.body);
    return from(this.idempotency.claim(principal, key, fingerprint)).pipe(
      switchMap((claim) => {
        if (claim.kind === 'replay') {
          res.status(claim.response.status);
          for (const [name, value] of Object.entries(claim.response.headers)) res.setHeader(name, value);
          res.setHeader('Idempotent-Replayed', 'true');
          return of(claim.response.body);
        }
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            const headers: Record<string, string> = {};
            for (const name of REPLAYED_HEADERS) {
              const value = res.getHeader(name);
              if (typeof value === 'string') headers[name] = value;
            }
            try {
              await this.idempotency.complete(principal, key, { status: res.statusCode, body, headers });
            } catch (err) {
              // The change is made; failing the request now would invite a duplicate retry.
              this.logger.warn({ err: (err as Error).message }, 'could not store the idempotent response');
            }
            return body;
          }),
          catchError((err: unknown) =>
            from(this.idempotency.release(principal, key).catch(() => undefined)).pipe(mergeMap(() => throwError(() => err))),
          ),
        );
      }),
    );
  }
}
