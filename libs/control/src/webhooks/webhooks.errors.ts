import type { FieldProblem } from '../tenants/tenants.errors';

export type WebhookErrorCode = 'WEBHOOK_NOT_FOUND' | 'WEBHOOK_INVALID';

export class WebhookError extends Error {
  override readonly name = 'WebhookError';

  constructor(
    readonly code: WebhookErrorCode,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }
}
