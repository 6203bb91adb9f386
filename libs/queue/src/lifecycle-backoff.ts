import { LIFECYCLE_BACKOFF_CAP_MS } from './queue-contracts';

/** delay * 2^(attemptsMade-1), never more than `capMs` (attemptsMade counts the failed attempts, from 1). */
export function cappedExponentialDelay(attemptsMade: number, baseMs: number, capMs = LIFECYCLE_BACKOFF_CAP_MS): number {
  const exponent = Math.max(0, Math.min(attemptsMade - 1, 30));
  return Math.min(capMs, baseMs * 2 ** exponent);
}

/**
 * The BullMQ custom backoff strategy of the lifecycle worker (WorkerOptions.settings.backoffStrategy).
 * Jobs carry `backoff: { type: LIFECYCLE_BACKOFF_TYPE, delay }`; BullMQ passes the type and the job.
 */
export function lifecycleBackoffStrategy(attemptsMade: number, type?: string, _err?: Error, job?: { opts?: { backoff?: unknown } }): number {
  const backoff = job?.opts?.backoff as { delay?: number } | undefined;
  const base = typeof backoff?.delay === 'number' ? backoff.delay : 1000;
  // Only one custom type exists; any other name (a job from an older producer) gets the same curve.
  void type;
  return cappedExponentialDelay(attemptsMade, base);
}
