import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DIRECTORY_CHANNEL, WorkspaceChangeSubscription, WorkspaceChanges } from '@kplane/control';
import { PG_SESSION_OPTIONS, PgListener } from '@kplane/store';
import { PinoLogger } from 'nestjs-pino';
import { API_CONFIG, ApiConfig } from '../api-config';

/**
 * Wakes `?waitFor=Ready` long-polls when their workspace's row changes (the control schema's
 * directory signal, sent on commit of every phase change), instead of re-reading it every
 * 250 ms. Without a LISTEN connection the waiters fall back to their polling interval.
 */
@Injectable()
export class WorkspaceChangeSignals implements WorkspaceChanges, OnModuleInit, OnModuleDestroy {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly listener: PgListener;

  constructor(@Inject(API_CONFIG) config: ApiConfig, logger: PinoLogger) {
    logger.setContext(WorkspaceChangeSignals.name);
    this.listener = new PgListener({
      name: 'api-workspace-changes',
      connection: { connectionString: config.env.DATABASE_URL, application_name: 'kplane-api-signals', options: PG_SESSION_OPTIONS },
      channels: [DIRECTORY_CHANNEL],
      logger,
      onNotification: (_channel, workspaceId) => this.notify(workspaceId),
      // Signals sent while disconnected are lost: wake everyone to re-read.
      onConnected: () => [...this.waiters.keys()].forEach((id) => this.notify(id)),
    });
  }

  onModuleInit(): void {
    // The API serves without it (long-polls then poll) while it connects in the background.
    this.listener.startInBackground();
  }

  onModuleDestroy(): Promise<void> {
    return this.listener.stop();
  }

  subscribe(workspaceId: string): WorkspaceChangeSubscription {
    let pending = false;
    let wake: (() => void) | null = null;
    const onSignal = () => {
      pending = true;
      wake?.();
    };
    let set = this.waiters.get(workspaceId);
    if (!set) this.waiters.set(workspaceId, (set = new Set()));
    set.add(onSignal);
    return {
      wait: (maxMs, signal) =>
        new Promise<void>((done) => {
          if (pending || signal?.aborted) return void ((pending = false), done());
          const finish = () => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', finish);
            wake = null;
            pending = false;
            done();
          };
          const timer = setTimeout(finish, maxMs);
          signal?.addEventListener('abort', finish, { once: true });
          wake = finish;
        }),
      close: () => {
        set!.delete(onSignal);
        if (set!.size === 0 && this.waiters.get(workspaceId) === set) this.waiters.delete(workspaceId);
      },
    };
  }

  private notify(workspaceId: string): void {
    for (const fn of this.waiters.get(workspaceId) ?? []) fn();
  }
}
