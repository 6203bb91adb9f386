import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { WEBHOOK_DELIVERY_QUEUE, WebhookDeliveryJobData } from '@kplane/queue';
import { Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { WebhookDeliverer, WebhookDeliveryFailed } from '../webhooks/webhook-deliverer';
import { WORKER_CONFIG, WorkerConfig } from '../worker-config';

/** One job per (event, webhook); retries use the job's exponential backoff. */
@Processor(WEBHOOK_DELIVERY_QUEUE, { autorun: false })
export class WebhookDeliveryProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly deliverer: WebhookDeliverer,
    private readonly metrics: WorkerMetrics,
    private readonly logger: PinoLogger,
  ) {
    super();
    this.logger.setContext('WebhookDeliveryProcessor');
  }

  onApplicationBootstrap(): void {
    const lockMs = this.config.jobLockSeconds * 1000;
    Object.assign(this.worker.opts, { concurrency: this.config.webhooks.concurrency, lockDuration: lockMs, stalledInterval: lockMs });
    this.worker.concurrency = this.config.webhooks.concurrency;
    this.worker.on('error', (err) => this.logger.warn({ err: err.message }, 'webhook worker error'));
    void this.worker.run().catch((err: Error) => this.logger.error({ err: err.message }, 'webhook worker stopped'));
  }

  async process(job: Job<WebhookDeliveryJobData>): Promise<string> {
    const attempt = { number: job.attemptsMade + 1, max: job.opts.attempts ?? 1 };
    return this.metrics.track(
      WEBHOOK_DELIVERY_QUEUE,
      job.name,
      async () => {
        const outcome = await this.deliverer.deliver(job.data.deliveryId, attempt);
        if (outcome === 'failed') this.logger.warn({ deliveryId: job.data.deliveryId, attempt: attempt.number }, 'webhook delivery failed for good');
        return outcome;
      },
      (err) => (err instanceof WebhookDeliveryFailed && attempt.number < attempt.max ? 'retry' : 'failed'),
    );
  }
}
