import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Kplane-Signature';
export const TIMESTAMP_HEADER = 'X-Kplane-Timestamp';
export const EVENT_ID_HEADER = 'X-Kplane-Event-Id';
export const DELIVERY_ID_HEADER = 'X-Kplane-Delivery-Id';

export function generateWebhookSecret(): string {
  return 'whsec_' + randomBytes(32).toString('base64url');
}

/** `sha256=<hex>` of HMAC-SHA256(secret, raw body). */
export function signWebhookBody(secret: string, body: string | Buffer): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

/** Receiver side (and tests): constant-time check of a signature header against the raw body. */
export function verifyWebhookSignature(secret: string, body: string | Buffer, header: string | undefined | null): boolean {
  if (!header) return false;
  const expected = Buffer.from(signWebhookBody(secret, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
