import { WebhookOutbox } from '@kplane/control';
import { WEBHOOK_DELIVERY_JOB, webhookDeliveryJobId, webhookDeliveryJobOptions, WebhookDeliveryJobData } from '@kplane/queue';

/** What the dispatcher needs of a BullMQ Queue. */
export interface DeliveryQueuePort {
  addBulk(jobs: { name: string; data: WebhookDeliveryJobData; opts: Record<string, unknown> }[]): Promise<unknown>;
}

export interface DispatchResult {
  fannedOut: number;
  enqueued: number;
  exhausted: number;
}

/**
 * Outbox -> deliveries -> jobs. Runs from the scheduled sweep (so an event written by any process,
 * or a job Redis lost, is picked up) and is kicked right after the worker emits an event.
 * Enqueueing is idempotent: the job id is the delivery id.
 */
export class WebhookDispatcher {
  private running: Promise<DispatchResult> | null = null;
  private again = false;

  constructor(
    private readonly outbox: WebhookOutbox,
    private readonly queue: DeliveryQueuePort,
    private readonly options: { maxAttempts: number; retryBaseMs: number; reenqueueGraceSeconds: number },
  ) {}

  async dispatch(): Promise<DispatchResult> {
    const exhausted = await this.outbox.failExhausted(this.options.maxAttempts);
    let fannedOut = 0;
    for (let n = await this.outbox.fanOut(); n > 0; n = await this.outbox.fanOut()) fannedOut += n;
    let enqueued = 0;
    for (;;) {
      const due = await this.outbox.dueForEnqueue(this.options.reenqueueGraceSeconds);
      if (due.length === 0) break;
      const opts = webhookDeliveryJobOptions(this.options.maxAttempts, this.options.retryBaseMs);
      await this.queue.addBulk(due.map((d) => ({ name: WEBHOOK_DELIVERY_JOB, data: { deliveryId: d.id }, opts: { ...opts, jobId: webhookDeliveryJobId(d.id) } })));
      await this.outbox.markEnqueued(due.map((d) => d.id));
      enqueued += due.length;
      if (due.length < 500) break;
    }
    return { fannedOut, enqueued, exhausted };
  }

  /** Dispatch soon, coalescing kicks; errors are left for the next sweep. */
  kick(onError: (err: unknown) => void = () => undefined): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.dispatch()
      .catch((err) => {
        onError(err);
        return { fannedOut: 0, enqueued: 0, exhausted: 0 };
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick(onError);
        }
      });
  }

  /** Waits for a kicked dispatch (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.running) await this.running;
  }
}
