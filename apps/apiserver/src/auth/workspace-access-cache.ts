import type { ClientConfig } from 'pg';
import { DirectorySignals, hashToken, WorkspaceAccess, WorkspaceDirectory } from '@kplane/control';

interface Entry {
  access: WorkspaceAccess;
  /** The signal counter when the lookup started: a signal of its workspace after that voids it. */
  seq: number;
  epoch: number;
  expires: number;
}

/** One kind of lookup (by token hash, by workspace id): its entries and the queries running. */
interface Lookups {
  entries: Map<string, Entry>;
  inflight: Map<string, Promise<WorkspaceAccess | null>>;
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
  private readonly tokens: Lookups = { entries: new Map(), inflight: new Map() };
  private readonly workspaces: Lookups = { entries: new Map(), inflight: new Map() };
  /** Per workspace, the counter value of its latest signal in this LISTEN session. */
  private readonly signalled = new Map<string, number>();
  private counter = 0;
  private readonly signals: DirectorySignals;
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(private readonly directory: WorkspaceDirectory, listen: ClientConfig, opts: WorkspaceAccessCacheOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 60_000;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.signals = new DirectorySignals(listen, {
      name: String(listen.application_name ?? 'kplane-apiserver-directory'),
      logger: opts.logger,
      onSignal: (workspaceId) => this.onSignal(workspaceId),
      // Entries of the previous session are void (their epoch); so are its signals.
      onConnected: () => this.signalled.clear(),
    });
  }

  start(): Promise<void> {
    return this.signals.start();
  }

  stop(): Promise<void> {
    return this.signals.stop();
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
    return this.signals.subscribe(workspaceId, onChange);
  }

  private cached(kind: Lookups, key: string, lookup: () => Promise<WorkspaceAccess | null>): Promise<WorkspaceAccess | null> {
    const hit = this.valid(kind.entries.get(key));
    if (hit) return Promise.resolve(hit);
    // Callers that miss together share one query (e.g. every watch of a workspace after a signal).
    const pending = kind.inflight.get(key);
    if (pending) return pending;
    const since = { seq: this.counter, epoch: this.signals.epoch };
    const query: Promise<WorkspaceAccess | null> = lookup()
      .then((access) => {
        if (access) this.remember(kind.entries, key, access, since);
        return access;
      })
      .finally(() => {
        if (kind.inflight.get(key) === query) kind.inflight.delete(key);
      });
    kind.inflight.set(key, query);
    return query;
  }

  private valid(e: Entry | undefined): WorkspaceAccess | undefined {
    if (!e || e.epoch !== this.signals.epoch || Date.now() >= e.expires) return undefined;
    return (this.signalled.get(e.access.workspaceId) ?? 0) > e.seq ? undefined : e.access;
  }

  private remember(entries: Map<string, Entry>, key: string, access: WorkspaceAccess, since: { seq: number; epoch: number | null }): void {
    // A lookup that spanned a reconnect, or a signal of its workspace, may have read the old row.
    if (since.epoch === null || since.epoch !== this.signals.epoch) return;
    if ((this.signalled.get(access.workspaceId) ?? 0) > since.seq) return;
    entries.delete(key);
    entries.set(key, { access, seq: since.seq, epoch: since.epoch, expires: Date.now() + this.ttlMs });
    if (entries.size > this.maxEntries) entries.delete(entries.keys().next().value as string);
  }

  private onSignal(workspaceId: string): void {
    if (this.signalled.size >= this.maxEntries * 2) {
      // Bounded memory: forgetting signals is only safe together with every entry they void.
      this.signalled.clear();
      this.tokens.entries.clear();
      this.workspaces.entries.clear();
    }
    this.signalled.set(workspaceId, ++this.counter);
    // Lookups already running may have read the old row: later callers must not share them.
    this.workspaces.inflight.delete(workspaceId);
    this.tokens.inflight.clear();
  }
}
