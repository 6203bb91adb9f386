import { cappedExponentialDelay, lifecycleBackoffStrategy } from './lifecycle-backoff';
import { LIFECYCLE_BACKOFF_TYPE, LIFECYCLE_JOB_OPTIONS } from './queue-contracts';

describe('lifecycle backoff', () => {
  it('doubles from the base delay and is capped at 60 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => cappedExponentialDelay(n, 1000))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });

  it('is the strategy the lifecycle jobs ask for', () => {
    expect(LIFECYCLE_JOB_OPTIONS.backoff.type).toBe(LIFECYCLE_BACKOFF_TYPE);
    expect(lifecycleBackoffStrategy(3, LIFECYCLE_BACKOFF_TYPE, undefined, { opts: { backoff: { delay: 500 } } })).toBe(2000);
  });
});
