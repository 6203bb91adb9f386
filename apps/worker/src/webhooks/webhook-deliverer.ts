import { SecretBox, WebhookOutbox } from '@kplane/control';
import { WebhookSender } from './webhook-sender';

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed' | 'skipped';

export class WebhookDeliveryFailed extends Error {
  override readonly name = 'WebhookDeliveryFailed';
}

/**
 * One delivery attempt: load the delivery, sign and POST the event, log the attempt. A failed
 * attempt that is not the last throws WebhookDeliveryFailed so BullMQ retries with backoff.
 */
export class WebhookDeliverer {
  constructor(
    private readonly outbox: WebhookOutbox,
    private readonly box: SecretBox,
    private readonly sender: WebhookSender,
  ) {}

  async deliver(deliveryId: string, attempt: { number: number; max: number }): Promise<DeliveryOutcome> {
    const target = await this.outbox.target(deliveryId);
    // Gone (webhook deleted: deliveries cascade) or already finished (a re-enqueued duplicate).
    if (!target || target.status !== 'Pending') return 'skipped';
    const startedAt = new Date();
    const body = JSON.stringify(target.payload);
    const result = await this.sender.send(target.url, this.box.decrypt(target.secretEncrypted), body, { eventId: target.eventId, deliveryId });
    const final = !result.ok && attempt.number >= attempt.max;
    await this.outbox.recordAttempt(target, { startedAt, statusCode: result.statusCode, error: result.error, ok: result.ok, final });
    if (result.ok) return 'delivered';
    if (final) return 'failed';
    throw new WebhookDeliveryFailed(result.error ?? 'delivery failed');
  }
}
