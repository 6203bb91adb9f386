import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { OperationDispatcher, OperationType } from '@kplane/control';
import { LifecycleProducer } from '@kplane/queue';
import { API_CONFIG, ApiConfig } from '../api-config';
import { RedisClient } from './redis-client';

/** How long a request waits for Redis before leaving the operation to the sweeper. */
const ENQUEUE_TIMEOUT_MS = 2000;

/** Binds the control services' dispatch port to the BullMQ producer. */
@Injectable()
export class LifecycleDispatcher implements OperationDispatcher, BeforeApplicationShutdown {
  private readonly producer: LifecycleProducer;

  constructor(redis: RedisClient, @Inject(API_CONFIG) config: ApiConfig) {
    this.producer = new LifecycleProducer(redis.connection, config.env.KPLANE_QUEUE_PREFIX);
  }

  async dispatch(type: OperationType, operationId: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`enqueue timed out after ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.producer.enqueue(type, operationId), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.producer.close().catch(() => undefined);
  }
}
