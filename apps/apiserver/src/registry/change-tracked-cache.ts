import type { ChangeSignal } from '@kplane/store';

/** Where a cache learns that a workspace's objects changed: the shard's watch hub. */
export interface ChangeFeed {
  /** One unbroken LISTEN session; null while signals may be missed. */
  readonly listeningEpoch: number | null;
}

interface Entry<T> {
  stamp: string;
  value: T;
  /** The feed epoch in which no signal can have been missed since the stamp was read. */
  trustedIn: number | null;
}

export interface CacheLoad<T> {
  /** A cheap fingerprint of the resources the value is derived from (one indexed query). */
  stamp(): Promise<string>;
  load(stamp: string): Promise<T>;
}

/**
 * Per-workspace values derived from a few small resources (CRDs, RBAC objects). An entry is
 * served without any query while the feed has listened without a break since the entry was
 * validated and no write to those resources was signalled; otherwise it is re-validated with
 * the stamp, as every request did before (a replica that lost its LISTEN connection stays
 * correct, only slower).
 */
export class ChangeTrackedCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  /** Bumped by every relevant signal: a validation that overlapped one is not trusted. */
  private generation = 0;

  constructor(
    private readonly resources: ReadonlySet<string>,
    private readonly maxWorkspaces = 1000,
  ) {}

  /** Drops what a signalled write made stale (a signal without resource matches any). */
  observe(signal: ChangeSignal): void {
    if (signal.resource !== null && !this.resources.has(signal.resource)) return;
    this.invalidate(signal.workspaceId);
  }

  /**
   * For writes made by this replica: re-validated at once, without waiting for the signal. The
   * value is kept: if the stamp did not move, it is reused without a reload.
   */
  invalidate(workspaceId: string): void {
    this.generation++;
    const hit = this.entries.get(workspaceId);
    if (hit) hit.trustedIn = null;
  }

  async get(workspaceId: string, feed: ChangeFeed | undefined, source: CacheLoad<T>, opts: { revalidate?: boolean } = {}): Promise<T> {
    const epoch = feed?.listeningEpoch ?? null;
    const hit = this.entries.get(workspaceId);
    if (hit && !opts.revalidate && epoch !== null && hit.trustedIn === epoch) return hit.value;
    const generation = this.generation;
    const stamp = await source.stamp();
    const value = hit && hit.stamp === stamp ? hit.value : await source.load(stamp);
    const unbroken = generation === this.generation && (feed?.listeningEpoch ?? null) === epoch;
    this.entries.delete(workspaceId);
    this.entries.set(workspaceId, { stamp, value, trustedIn: unbroken ? epoch : null });
    if (this.entries.size > this.maxWorkspaces) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}
