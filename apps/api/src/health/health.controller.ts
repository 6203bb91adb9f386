import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../http/auth.guard';
import { problem, PROBLEM_CONTENT_TYPE } from '../http/problem';
import { RedisClient } from '../queue/redis-client';

const CHECK_TIMEOUT_MS = 2000;

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly redis: RedisClient,
  ) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: PostgreSQL and Redis both answer. */
  @Get('readyz')
  async readyz(@Res() res: Response): Promise<void> {
    const [postgres, redis] = await Promise.all([
      withTimeout(this.dataSource.query('SELECT 1'), CHECK_TIMEOUT_MS).then(
        () => true,
        () => false,
      ),
      this.redis.ping(CHECK_TIMEOUT_MS),
    ]);
    const checks = { postgres: postgres ? 'ok' : 'unavailable', redis: redis ? 'ok' : 'unavailable' };
    if (postgres && redis) {
      res.status(200).json({ status: 'ok', checks });
      return;
    }
    const down = Object.entries(checks).filter(([, v]) => v !== 'ok').map(([k]) => k);
    res
      .status(503)
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify({ ...problem(503, `not ready: ${down.join(', ')} unavailable`, { code: 'DEPENDENCY_UNAVAILABLE' }), checks }));
  }
}
