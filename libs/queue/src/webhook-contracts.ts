/** Webhook deliveries: one job per (event, webhook); the job id is the delivery id. */
export const WEBHOOK_DELIVERY_QUEUE = 'webhook-delivery';
export const WEBHOOK_DELIVERY_JOB = 'DeliverWebhook';

export interface WebhookDeliveryJobData {
  deliveryId: string;
}

export const webhookDeliveryJobId = (deliveryId: string): string => deliveryId;

/** Exponential backoff from `baseDelayMs` (1x, 2x, 4x ...), `attempts` tries in all. */
export function webhookDeliveryJobOptions(attempts: number, baseDelayMs: number) {
  return {
    attempts,
    backoff: { type: 'exponential' as const, delay: baseDelayMs },
    removeOnComplete: { age: 24 * 3600, count: 10000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}
