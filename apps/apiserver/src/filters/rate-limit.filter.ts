import { tooManyRequests } from '@kplane/kube';

export interface RateLimit {
  perSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_BUCKETS = 10_000;

/**
 * Per-workspace token buckets (per replica). A workspace over its rate gets 429 with Retry-After
 * in the Kubernetes Status shape; client-go retries those on its own (§15).
 */
export class WorkspaceRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limitFor: (workspaceId: string) => RateLimit) {}

  take(workspaceId: string, now = Date.now()): void {
    const { perSecond, burst } = this.limitFor(workspaceId);
    if (perSecond <= 0) return;
    let b = this.buckets.get(workspaceId);
    if (!b) {
      b = { tokens: burst, at: now };
      this.buckets.set(workspaceId, b);
      if (this.buckets.size > MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value as string);
    }
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    if (b.tokens < 1) throw tooManyRequests(Math.max(1, Math.ceil((1 - b.tokens) / perSecond)));
    b.tokens -= 1;
  }
}

/** Caps open watches per workspace (per replica), so one tenant cannot hold every connection. */
export class WatchCounter {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  acquire(workspaceId: string): () => void {
    const n = this.open.get(workspaceId) ?? 0;
    if (n >= this.max) throw tooManyRequests(5);
    this.open.set(workspaceId, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(workspaceId) ?? 1) - 1;
      if (left <= 0) this.open.delete(workspaceId);
      else this.open.set(workspaceId, left);
    };
  }

  count(workspaceId: string): number {
    return this.open.get(workspaceId) ?? 0;
  }

  total(): number {
    let n = 0;
    for (const v of this.open.values()) n += v;
    return n;
  }
}
