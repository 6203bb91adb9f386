import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createRedisConnection } from '@kplane/queue';
import type IORedis from 'ioredis';
import { API_CONFIG, ApiConfig } from '../api-config';

/** The API's one Redis connection (a producer: fails fast when Redis is down). */
@Injectable()
export class RedisClient implements OnApplicationShutdown {
  readonly connection: IORedis;

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    this.connection = createRedisConnection(config.env.REDIS_URL, 'producer');
    // Without a listener ioredis reports every failed reconnect as an unhandled error.
    this.connection.on('error', () => undefined);
  }

  async ping(timeoutMs: number): Promise<boolean> {
    if (this.connection.status !== 'ready') return false;
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        this.connection.ping(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs))),
      ]);
      return answer === 'PONG';
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}
