import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DirectorySignals, WorkspaceChangeSubscription, WorkspaceChanges } from '@kplane/control';
import { PinoLogger } from 'nestjs-pino';
import { API_CONFIG, ApiConfig } from '../api-config';

/**
 * Wakes `?waitFor=Ready` long-polls when their workspace's row changes (the control schema's
 * directory signal, sent on commit of every phase change), instead of re-reading it every
 * 250 ms. Without a LISTEN connection the waiters fall back to their polling interval.
 */
@Injectable()
export class WorkspaceChangeSignals implements WorkspaceChanges, OnModuleInit, OnModuleDestroy {
  private readonly signals: DirectorySignals;

  constructor(@Inject(API_CONFIG) config: ApiConfig, logger: PinoLogger) {
    logger.setContext(WorkspaceChangeSignals.name);
    this.signals = new DirectorySignals({ connectionString: config.env.DATABASE_URL }, { name: 'kplane-api-signals', logger });
  }

  onModuleInit(): void {
    // The API serves without it (long-polls then poll) while it connects in the background.
    this.signals.startInBackground();
  }

  onModuleDestroy(): Promise<void> {
    return this.signals.stop();
  }

  subscribe(workspaceId: string): WorkspaceChangeSubscription {
    let pending = false;
    let wake: (() => void) | null = null;
    const unsubscribe = this.signals.subscribe(workspaceId, () => {
      pending = true;
      wake?.();
    });
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
      close: unsubscribe,
    };
  }
}
