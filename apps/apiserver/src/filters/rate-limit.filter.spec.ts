import { KubeStatusError } from '@kplane/kube';
import { WatchCounter, WorkspaceRateLimiter } from './rate-limit.filter';

describe('WorkspaceRateLimiter', () => {
  it('allows a burst, then 429 with Retry-After, and refills over time per workspace', () => {
    const limiter = new WorkspaceRateLimiter(() => ({ perSecond: 2, burst: 3 }));
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) limiter.take('a', t0);
    let err: unknown;
    try {
      limiter.take('a', t0);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KubeStatusError);
    expect((err as KubeStatusError).status).toMatchObject({ code: 429, reason: 'TooManyRequests', details: { retryAfterSeconds: 1 } });
    expect(() => limiter.take('b', t0)).not.toThrow();
    expect(() => limiter.take('a', t0 + 500)).not.toThrow();
  });

  it('is off when the rate is 0', () => {
    const limiter = new WorkspaceRateLimiter(() => ({ perSecond: 0, burst: 1 }));
    for (let i = 0; i < 100; i++) limiter.take('a');
  });
});

describe('WatchCounter', () => {
  it('caps open watches per workspace and frees a slot once, however often released', () => {
    const watches = new WatchCounter(2);
    const r1 = watches.acquire('a');
    watches.acquire('a');
    expect(() => watches.acquire('a')).toThrow(KubeStatusError);
    expect(() => watches.acquire('b')).not.toThrow();
    r1();
    r1();
    expect(watches.count('a')).toBe(1);
    expect(watches.total()).toBe(2);
  });
});
