import { PG_SESSION_OPTIONS, PgListener } from '@kplane/store';
import type { ClientConfig } from 'pg';
import { DIRECTORY_CHANNEL } from './workspace-directory';

export interface DirectorySignalsOptions {
  /** Names the LISTEN connection in logs and pg_stat_activity. */
  name: string;
  logger?: { warn(obj: object, msg: string): void };
  /** Called first for every signal (before the workspace's subscribers). */
  onSignal?(workspaceId: string): void;
  /** Called first after every (re)connect, when signals may have been missed. */
  onConnected?(): void;
}

/**
 * The control schema's directory signals (DIRECTORY_CHANNEL: a workspace's token revoked, its
 * phase changed, it was deleted) on one LISTEN connection, fanned out to per-workspace
 * subscribers. After a reconnect every subscriber is called, since signals may have been missed.
 */
export class DirectorySignals {
  private readonly subscribers = new Map<string, Set<() => void>>();
  private readonly listener: PgListener;

  constructor(connection: ClientConfig, private readonly opts: DirectorySignalsOptions) {
    this.listener = new PgListener({
      name: opts.name,
      connection: { options: PG_SESSION_OPTIONS, ...connection, application_name: opts.name },
      channels: [DIRECTORY_CHANNEL],
      logger: opts.logger,
      onNotification: (_channel, workspaceId) => {
        opts.onSignal?.(workspaceId);
        this.notify(workspaceId);
      },
      onConnected: () => {
        opts.onConnected?.();
        for (const id of [...this.subscribers.keys()]) this.notify(id);
      },
    });
  }

  start(): Promise<void> {
    return this.listener.start();
  }

  /** Serves without signals while it connects (and reconnects) in the background. */
  startInBackground(): void {
    this.listener.startInBackground();
  }

  stop(): Promise<void> {
    return this.listener.stop();
  }

  /** One unbroken LISTEN session; null while not listening. */
  get epoch(): number | null {
    return this.listener.epoch;
  }

  subscribe(workspaceId: string, onChange: () => void): () => void {
    let set = this.subscribers.get(workspaceId);
    if (!set) this.subscribers.set(workspaceId, (set = new Set()));
    set.add(onChange);
    return () => {
      set!.delete(onChange);
      if (set!.size === 0 && this.subscribers.get(workspaceId) === set) this.subscribers.delete(workspaceId);
    };
  }

  private notify(workspaceId: string): void {
    for (const fn of this.subscribers.get(workspaceId) ?? []) fn();
  }
}
