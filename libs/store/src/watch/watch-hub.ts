import { ClientConfig, Pool } from 'pg';
import { WorkspaceStore } from '../objects/workspace-store';
import { canonicalWorkspaceId } from '../schemas/workspace-schema-name';
import { CHANGES_CHANNEL } from '../sql/statements';
import { isStoreError, StoreError } from '../store.errors';
import { Watcher } from './watcher';
import { ChangeSignal, parseChangeSignal } from './change-signal';
import { PgListener } from './pg-listener';

export interface WatchHubOptions {
  pool: Pool;
  /** Where the dedicated LISTEN connection goes (the same server as the pool). */
  listenConnection: ClientConfig;
  /** Events a watcher may have queued before it is closed as too slow. */
  queueCapacity?: number;
  /** Rows per change-log read. */
  batchSize?: number;
  /** Re-read interval while watchers exist, in case a notification was missed (reconnects). */
  pollIntervalMs?: number;
  /** First reconnect delay of the LISTEN connection (doubles up to 30 s). */
  reconnectDelayMs?: number;
  logger?: { warn(obj: object, msg: string): void };
}

interface Reader {
  store: WorkspaceStore;
  watchers: Set<Watcher>;
  running: boolean;
  dirty: boolean;
}

/**
 * Fans the change log out to watchers: one LISTEN connection for the hub, one reader per
 * workspace with watchers. A reader reads from the lowest watcher cursor and hands each event to
 * every watcher that has not seen it, so watchers that start from an old revision replay from
 * the log and then merge into the live stream. Readers never wait for watchers.
 */
export class WatchHub {
  private readonly listener: PgListener;
  private readonly readers = new Map<string, Reader>();
  private stopped = true;
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly capacity: number;
  private readonly batchSize: number;
  private readonly changeListeners = new Set<(signal: ChangeSignal) => void>();

  constructor(private readonly opts: WatchHubOptions) {
    this.capacity = opts.queueCapacity ?? 1000;
    this.batchSize = opts.batchSize ?? 500;
    this.listener = new PgListener({
      name: 'watch-hub',
      connection: opts.listenConnection,
      channels: [CHANGES_CHANNEL],
      reconnectDelayMs: opts.reconnectDelayMs,
      logger: opts.logger,
      onNotification: (_channel, payload) => this.onSignal(payload),
      // Anything committed while we were not listening is picked up by reading from the cursors.
      onConnected: () => this.wakeAll(),
    });
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.listener.start();
    this.pollTimer = setInterval(() => this.wakeAll(), this.opts.pollIntervalMs ?? 5000);
    this.pollTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    for (const r of [...this.readers.values()]) for (const w of [...r.watchers]) w.close('hub-stopped');
    await this.listener.stop();
  }

  /**
   * Starts a watch after `fromRv` (a revision the caller has seen, e.g. a list's resourceVersion).
   * Filtering by resource, namespace and selectors is the caller's, on the events it pulls.
   */
  watch(workspaceId: string, fromRv: string): Watcher {
    if (this.stopped) throw new StoreError('STORE_UNAVAILABLE', 'watch hub is not running');
    if (!/^(0|[1-9][0-9]{0,18})$/.test(fromRv)) throw new StoreError('STORE_EXPIRED', `resourceVersion ${JSON.stringify(fromRv).slice(0, 40)} is not a revision`);
    const id = canonicalWorkspaceId(workspaceId);
    let reader = this.readers.get(id);
    if (!reader) {
      reader = { store: new WorkspaceStore(this.opts.pool, id), watchers: new Set(), running: false, dirty: false };
      this.readers.set(id, reader);
    }
    const r = reader;
    const watcher = new Watcher(id, fromRv, this.capacity, (w) => {
      r.watchers.delete(w);
      if (r.watchers.size === 0 && this.readers.get(id) === r) this.readers.delete(id);
    });
    r.watchers.add(watcher);
    this.wake(id);
    return watcher;
  }

  /**
   * Every committed write of the shard, as signalled (for caches of small resources such as CRDs
   * and RBAC objects). A listener must be cheap and must not throw.
   */
  onChange(listener: (signal: ChangeSignal) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /**
   * Identifies one unbroken LISTEN session; null while not listening. A cache entry validated in
   * epoch E stays valid (barring signals) only while the epoch is still E: a reconnect may have
   * missed signals.
   */
  get listeningEpoch(): number | null {
    return this.listener.epoch;
  }

  /** Number of workspaces with a running reader (for metrics and tests). */
  get activeWorkspaces(): number {
    return this.readers.size;
  }

  private onSignal(payload: string): void {
    const signal = parseChangeSignal(payload);
    if (!signal) return;
    this.wake(signal.workspaceId);
    for (const listener of this.changeListeners) listener(signal);
  }

  private wakeAll(): void {
    for (const id of this.readers.keys()) this.wake(id);
  }

  private wake(workspaceId: string): void {
    const r = this.readers.get(workspaceId);
    if (!r) return;
    r.dirty = true;
    if (!r.running) void this.drain(workspaceId, r);
  }

  /** Reads until every watcher is at the end of the log; re-runs if woken meanwhile. */
  private async drain(id: string, r: Reader): Promise<void> {
    r.running = true;
    try {
      while (r.dirty && r.watchers.size > 0 && !this.stopped) {
        r.dirty = false;
        for (;;) {
          const watchers = [...r.watchers];
          if (watchers.length === 0) break;
          const from = watchers.reduce((m, w) => (w.cursor < m ? w.cursor : m), watchers[0].cursor);
          let events;
          try {
            events = await r.store.changesSince(from.toString(), this.batchSize);
          } catch (err) {
            if (isStoreError(err, 'STORE_EXPIRED')) {
              const oldest = BigInt(await r.store.oldestRetainedResourceVersion());
              for (const w of watchers) if (w.cursor < oldest) w.close('expired', err.message);
              continue;
            }
            throw err;
          }
          for (const ev of events) {
            const rv = BigInt(ev.rv);
            for (const w of watchers) if (!w.closed && w.cursor < rv) w.deliver(ev);
          }
          if (events.length < this.batchSize) break;
        }
      }
    } catch (err) {
      // The workspace is gone or the database is unreachable: end its watches; clients re-watch.
      for (const w of [...r.watchers]) w.close('error', (err as Error).message);
    } finally {
      r.running = false;
      if (r.dirty && r.watchers.size > 0 && !this.stopped) void this.drain(id, r);
    }
  }
}
