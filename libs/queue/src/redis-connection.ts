import IORedis, { RedisOptions } from 'ioredis';

/**
 * BullMQ needs maxRetriesPerRequest=null on worker connections; producers get a small
 * offline queue so that a Redis outage fails fast instead of hanging API requests.
 */
export function createRedisConnection(url: string, role: 'producer' | 'worker'): IORedis {
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 };
  return new IORedis(url, { ...options, lazyConnect: false });
}
