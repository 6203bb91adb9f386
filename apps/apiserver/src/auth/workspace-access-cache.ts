import type { ClientConfig } from 'pg';
import { DIRECTORY_CHANNEL, hashToken, WorkspaceAccess, WorkspaceDirectory } from '@kplane/control';
import { PgListener } from '@kplane/store';

interface Entry {
  access: WorkspaceAccess;
  /** The signal counter when the lookup started: a signal of its workspace after that voids it. */
  seq: number;
  epoch: number;
  expires: number;
}

export interface WorkspaceAccessCacheOptions {
  /** Upper bound on how long an entry is served, even without a signal. */
  ttlMs?: number;
  maxEntries?: number;
  logger?: { warn(obj: object, msg: string): void };
}

/**
 * Which workspace a token opens, and the workspace's phase, cached per replica: without it
 * every Kubernetes request starts with a control-schema query. Entries die on the control
 * schema's directory signals (token revoked, phase changed, workspace deleted), so a rotated
 * token or a suspension takes effect as soon as it commits. Nothing is served from the cache
 * while the LISTEN connection is down, nor past the TTL; only successful lookups are kept.
 */
export class WorkspaceAccessCache {
  private readonly tokens = new Map<string, Entry>();
  private readonly workspaces = new Map<string, Entry>();
  /** Per workspace, the counter value of its latest signal in this LISTEN session. */
  private readonly signalled = new Map<string, number>();
  private counter = 0;
  private readonly subscribers = new Map<string, Set<() => void>>();
  private readonly inflight = new Map<Map<string, Entry>, Map<string, Promise<WorkspaceAccess | null>>>([
    [this.tokens, new Map()],
    [this.workspaces, new Map()],
  ]);
  private readonly listener: PgListener;
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(private readonly directory: WorkspaceDirectory, listen: ClientConfig, opts: WorkspaceAccessCacheOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 60_000;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.listener = new PgListener({
      name: 'workspace-directory',
      connection: listen,
      channels: [DIRECTORY_CHANNEL],
      logger: opts.logger,
      onNotification: (_channel, workspaceId) => this.onSignal(workspaceId),
      onConnected: () => {
        // Entries of the previous session are void (their epoch); so are its signals.
        this.signalled.clear();
        for (const id of [...this.subscribers.keys()]) this.notify(id);
      },
    });
  }

  start(): Promise<void> {
    return this.listener.start();
  }

  stop(): Promise<void> {
    return this.listener.stop();
  }

  resolveToken(token: string): Promise<WorkspaceAccess | null> {
    const hash = hashToken(token);
    return this.cached(this.tokens, hash, () => this.directory.resolveTokenHash(hash));
  }

  resolveWorkspace(workspaceId: string): Promise<WorkspaceAccess | null> {
    return this.cached(this.workspaces, workspaceId, () => this.directory.resolveWorkspace(workspaceId));
  }

  /**
   * Calls `onChange` when the workspace's directory entry may have changed (a signal, or a
   * reconnect after which signals may have been missed). One subscription per open watch.
   */
  onWorkspaceChange(workspaceId: string, onChange: () => void): () => void {
    let set = this.subscribers.get(workspaceId);
    if (!set) this.subscribers.set(workspaceId, (set = new Set()));
    set.add(onChange);
    return () => {
      set!.delete(onChange);
      if (set!.size === 0 && this.subscribers.get(workspaceId) === set) this.subscribers.delete(workspaceId);
    };
  }

  private cached(map: Map<string, Entry>, key: string, lookup: () => Promise<WorkspaceAccess | null>): Promise<WorkspaceAccess | null> {
    const hit = this.valid(map.get(key));
    if (hit) return Promise.resolve(hit);
    // Callers that miss together share one query (e.g. every watch of a workspace after a signal).
    const inflight = this.inflight.get(map)!;
    const pending = inflight.get(key);
    if (pending) return pending;
    const since = this.mark();
    const query: Promise<WorkspaceAccess | null> = lookup()
      .then((access) => {
        if (access) this.remember(map, key, access, since);
        return access;
      })
      .finally(() => {
        if (inflight.get(key) === query) inflight.delete(key);
      });
    inflight.set(key, query);
    return query;
  }

  private valid(e: Entry | undefined): WorkspaceAccess | undefined {
    if (!e || e.epoch !== this.listener.epoch || Date.now() >= e.expires) return undefined;
    return (this.signalled.get(e.access.workspaceId) ?? 0) > e.seq ? undefined : e.access;
  }

  /** Taken before a lookup: what it may be trusted against. */
  private mark(): { seq: number; epoch: number | null } {
    return { seq: this.counter, epoch: this.listener.epoch };
  }

  private remember(map: Map<string, Entry>, key: string, access: WorkspaceAccess, since: { seq: number; epoch: number | null }): void {
    // A lookup that spanned a reconnect may have missed a signal.
    if (since.epoch === null || since.epoch !== this.listener.epoch) return;
    if ((this.signalled.get(access.workspaceId) ?? 0) > since.seq) return;
    map.delete(key);
    map.set(key, { access, seq: since.seq, epoch: since.epoch, expires: Date.now() + this.ttlMs });
    if (map.size > this.maxEntries) map.delete(map.keys().next().value as string);
  }

  private onSignal(workspaceId: string): void {
    if (this.signalled.size >= this.maxEntries * 2) {
      // Bounded memory: forgetting signals is only safe together with every entry they void.
      this.signalled.clear();
      this.tokens.clear();
      this.workspaces.clear();
    }
    this.signalled.set(workspaceId, ++this.counter);
    // Lookups already running may have read the old row: later callers must not share them.
    this.inflight.get(this.workspaces)!.delete(workspaceId);
    this.inflight.get(this.tokens)!.clear();
    this.notify(workspaceId);
  }

  private notify(workspaceId: string): void {
    for (const fn of this.subscribers.get(workspaceId) ?? []) fn();
  }
}
