import type { DeliveryAttemptRecord, WebhookRecord } from '@kplane/control';

export interface WebhookResponse {
  id: string;
  url: string;
  events: string[];
  tenant: string | null;
  createdAt: string;
}

export interface DeliveryAttemptResponse {
  id: string;
  deliveryId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  statusCode: number | null;
  error: string | null;
  deliveryStatus: string;
  startedAt: string;
  finishedAt: string;
}

export const toWebhookResponse = (w: WebhookRecord): WebhookResponse => ({
  id: w.id,
  url: w.url,
  events: w.events,
  tenant: w.tenantName,
  createdAt: w.createdAt.toISOString(),
});

export const toDeliveryAttemptResponse = (a: DeliveryAttemptRecord): DeliveryAttemptResponse => ({
  id: a.id,
  deliveryId: a.deliveryId,
  eventId: a.eventId,
  eventType: a.eventType,
  attempt: a.attempt,
  statusCode: a.statusCode,
  error: a.error,
  deliveryStatus: a.deliveryStatus,
  startedAt: a.startedAt.toISOString(),
  finishedAt: a.finishedAt.toISOString(),
});
