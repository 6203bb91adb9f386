import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { RateLimitError, TokenBucketLimiter } from '@kplane/control';
import type { Response } from 'express';
import { API_CONFIG, ApiConfig } from '../api-config';
import { RedisClient } from '../queue/redis-client';
import { AuthenticatedRequest } from './auth.guard';

/** Redis must answer within this, or the request goes through unlimited. */
const REDIS_TIMEOUT_MS = 250;

/**
 * Per-tenant token bucket in Redis (shared by every API replica), for requests made with
 * tenant API keys; the admin token is not limited. Runs after BearerAuthGuard. When Redis
 * is down the API fails open and logs that once per outage.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger('RateLimit');
  private readonly limiter: TokenBucketLimiter;
  private failingOpen = false;

  constructor(
    private readonly redis: RedisClient,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {
    this.limiter = new TokenBucketLimiter(redis.connection, `${config.env.KPLANE_QUEUE_PREFIX}:ratelimit`);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const principal = http.getRequest<AuthenticatedRequest>().principal;
    if (!principal || principal.kind === 'admin') return true;
    let result: Awaited<ReturnType<TokenBucketLimiter['take']>>;
    try {
      if (this.redis.connection.status !== 'ready') throw new Error(`redis is ${this.redis.connection.status}`);
      result = await withTimeout(this.limiter.take(`tenant:${principal.tenantId}`, this.config.rateLimit), REDIS_TIMEOUT_MS);
    } catch (err) {
      if (!this.failingOpen) {
        this.failingOpen = true;
        this.logger.warn({ err: (err as Error).message }, 'rate limiting unavailable (Redis); letting requests through until it is back');
      }
      return true;
    }
    if (this.failingOpen) {
      this.failingOpen = false;
      this.logger.log('rate limiting is back');
    }
    const res = http.getResponse<Response>();
    res.setHeader('RateLimit-Limit', String(this.config.rateLimit.burst));
    if (result.allowed) {
      res.setHeader('RateLimit-Remaining', String(result.remaining));
      return true;
    }
    res.setHeader('RateLimit-Remaining', '0');
    const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
    throw new RateLimitError('RATE_LIMITED', `too many requests for this tenant; retry in ${seconds} s`, seconds);
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
