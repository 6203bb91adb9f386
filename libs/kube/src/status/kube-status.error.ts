import { V1StatusBody } from './status.types';

/**
 * An error that leaves the API server as a Kubernetes `Status`. Libraries
 * throw it; the HTTP edge serialises `status` and uses `code` as HTTP status.
 */
export class KubeStatusError extends Error {
  constructor(public readonly status: V1StatusBody) {
    super(status.message);
    this.name = 'KubeStatusError';
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): V1StatusBody['reason'] {
    return this.status.reason;
  }

  /** Seconds for a `Retry-After` header, when the error carries one. */
  get retryAfterSeconds(): number | undefined {
    return this.status.details?.retryAfterSeconds;
  }
}

export function isKubeStatusError(e: unknown): e is KubeStatusError {
  return e instanceof KubeStatusError;
}
