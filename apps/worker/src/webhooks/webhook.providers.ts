import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Provider } from '@nestjs/common';
import { OperationEntity, SecretBox, WebhookOutbox } from '@kplane/control';
import { WEBHOOK_DELIVERY_QUEUE } from '@kplane/queue';
import { Queue } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { SHARD_POOL } from '../lifecycle/lifecycle-deps.provider';
import { UsageMeter } from '../metering/usage-meter';
import { WorkspaceUsageReader } from '../metering/workspace-usage-reader';
import { WORKER_CONFIG, WorkerConfig } from '../worker-config';
import { emitOperationEvent, eventForSuccess } from './lifecycle-events';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookSender } from './webhook-sender';

export const webhookProviders: Provider[] = [
  { provide: WebhookOutbox, inject: [DataSource], useFactory: (ds: DataSource) => new WebhookOutbox(ds) },
  {
    provide: WebhookDispatcher,
    inject: [WORKER_CONFIG, WebhookOutbox, getQueueToken(WEBHOOK_DELIVERY_QUEUE)],
    useFactory: (config: WorkerConfig, outbox: WebhookOutbox, queue: Queue) =>
      new WebhookDispatcher(outbox, queue, {
        maxAttempts: config.webhooks.maxAttempts,
        retryBaseMs: config.webhooks.retryBaseMs,
        // A delivery job still waiting in Redis is not added twice (same job id); the grace only spares Redis.
        reenqueueGraceSeconds: Math.max(30, config.webhooks.sweepEverySeconds * 3),
      }),
  },
  {
    provide: WebhookDeliverer,
    inject: [WORKER_CONFIG, WebhookOutbox],
    useFactory: (config: WorkerConfig, outbox: WebhookOutbox) =>
      new WebhookDeliverer(outbox, new SecretBox(config.masterKey), new WebhookSender({ timeoutMs: config.webhooks.timeoutMs, extraCaPem: config.webhooks.extraCaPem })),
  },
  {
    provide: UsageMeter,
    inject: [WORKER_CONFIG, DataSource, SHARD_POOL],
    useFactory: (config: WorkerConfig, ds: DataSource, pool: Pool) => new UsageMeter(ds, new WorkspaceUsageReader(pool), { watchStaleSeconds: config.metering.watchStaleSeconds }),
  },
];

/**
 * Lifecycle events from the lifecycle processor: written to the outbox before the operation is
 * marked finished (a crash in between re-runs the job, and the dedupe key makes the second
 * emission a no-op), then dispatched at once; the webhook sweep catches anything missed.
 */
@Injectable()
export class LifecycleEvents {
  constructor(
    private readonly ds: DataSource,
    private readonly dispatcher: WebhookDispatcher,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('LifecycleEvents');
  }

  async succeeded(operation: OperationEntity): Promise<void> {
    const type = eventForSuccess(operation.type);
    if (type && (await emitOperationEvent(this.ds, operation, type))) this.kick();
  }

  async provisioningFailed(operation: OperationEntity, message: string): Promise<void> {
    if (operation.type !== 'ProvisionWorkspace') return;
    if (await emitOperationEvent(this.ds, operation, 'workspace.failed', { message })) this.kick();
  }

  private kick(): void {
    this.dispatcher.kick((err) => this.logger.warn({ err: (err as Error).message }, 'webhook dispatch failed; the sweep will retry'));
  }
}
