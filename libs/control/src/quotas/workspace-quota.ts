import { Quota } from '../tenants/tenant.entity';

/** The per-workspace part of a tenant's quota, as the API server enforces it (null: unlimited). */
export interface WorkspaceQuota {
  maxObjects: number | null;
  maxStorageBytes: number | null;
  maxRequestsPerSecond: number | null;
}

export const UNLIMITED_WORKSPACE_QUOTA: WorkspaceQuota = Object.freeze({ maxObjects: null, maxStorageBytes: null, maxRequestsPerSecond: null });

/** Reads the per-workspace fields of a stored tenant quota (anything not a non-negative number is unlimited). */
export function workspaceQuotaOf(q: Partial<Quota> | null | undefined): WorkspaceQuota {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);
  return {
    maxObjects: n(q?.maxObjectsPerWorkspace),
    maxStorageBytes: n(q?.maxStorageBytesPerWorkspace),
    maxRequestsPerSecond: n(q?.maxRequestsPerSecondPerWorkspace),
  };
}

export interface WorkspaceQuotaCacheOptions {
  /** How long a looked-up quota is used before it is looked up again (default 3 s). */
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  quota: WorkspaceQuota;
  at: number;
}

/**
 * Per-replica cache of workspace quotas in front of a lookup (the read-only directory), so a
 * quota change takes effect within `ttlMs` without restarts and without a control-schema query
 * per request. Concurrent misses share one lookup. When a refresh fails, the last known quota is
 * kept (and retried on the next call); with none known, the error goes to the caller.
 */
export class WorkspaceQuotaCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<WorkspaceQuota>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly lookup: (workspaceId: string) => Promise<WorkspaceQuota | null>, opts: WorkspaceQuotaCacheOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 3000;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** The quota, looked up again when older than the TTL. */
  async get(workspaceId: string): Promise<WorkspaceQuota> {
    const e = this.entries.get(workspaceId);
    if (e && this.now() - e.at < this.ttlMs) return e.quota;
    try {
      return await this.refresh(workspaceId);
    } catch (err) {
      if (e) return e.quota;
      throw err;
    }
  }

  /**
   * Synchronous: the cached quota (possibly stale) or undefined; a stale or missing entry is
   * refreshed in the background. For hot paths that cannot wait (the rate limiter).
   */
  peek(workspaceId: string): WorkspaceQuota | undefined {
    const e = this.entries.get(workspaceId);
    if (!e || this.now() - e.at >= this.ttlMs) this.refresh(workspaceId).catch(() => undefined);
    return e?.quota;
  }

  /** Forgets a workspace (the next get looks it up). */
  invalidate(workspaceId?: string): void {
    if (workspaceId === undefined) this.entries.clear();
    else this.entries.delete(workspaceId);
  }

  private refresh(workspaceId: string): Promise<WorkspaceQuota> {
    const pending = this.inflight.get(workspaceId);
    if (pending) return pending;
    const loading = this.lookup(workspaceId)
      .then((q) => {
        const quota = q ?? UNLIMITED_WORKSPACE_QUOTA;
        this.entries.delete(workspaceId); // re-insert: Map order doubles as age order for eviction
        this.entries.set(workspaceId, { quota, at: this.now() });
        while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
        return quota;
      })
      .finally(() => this.inflight.delete(workspaceId));
    this.inflight.set(workspaceId, loading);
    return loading;
  }
}
