import { PG_SESSION_OPTIONS } from '@kplane/store';
import { Pool } from 'pg';

/** Key space of the lifecycle lock; distinct from libs/store's per-step provisioning lock. */
const LOCK_SPACE = 'kplane.workspace-lifecycle';

export interface WorkspaceLockHandle {
  release(): Promise<void>;
}

export interface WorkspaceLockPort {
  /** The workspace's lifecycle lock, or null when another operation (on any worker) holds it. */
  tryAcquire(workspaceId: string): Promise<WorkspaceLockHandle | null>;
}

/**
 * One lifecycle operation per workspace at a time, across every worker: a session advisory lock
 * held by a connection of a pool of its own. The connection is checked out for as long as it
 * holds the lock and goes back to the pool only after a successful unlock (otherwise it is
 * closed), so no pooled connection ever carries a lock. A worker that dies loses its connections
 * and so its locks; nothing needs cleaning up. Pooled rather than one connection per operation:
 * opening a PostgreSQL connection (a backend process) cost more than the rest of the lock.
 */
export class WorkspaceLocks implements WorkspaceLockPort {
  private readonly pool: Pool;
  /** Checked-out clients (each holding, or about to take, a lock) and how to hand them back. */
  private readonly held = new Map<object, (err?: Error) => void>();

  constructor(databaseUrl: string, private readonly onError: (err: Error) => void = () => undefined) {
    this.pool = new Pool({ connectionString: databaseUrl, max: 64, idleTimeoutMillis: 30_000, application_name: 'kplane-worker-lock', options: PG_SESSION_OPTIONS });
    this.pool.on('error', (err) => this.onError(err));
  }

  async tryAcquire(workspaceId: string): Promise<WorkspaceLockHandle | null> {
    const key = [LOCK_SPACE, workspaceId.toLowerCase()];
    const client = await this.pool.connect();
    // A checked-out client's connection errors are its own (the pool only watches idle ones).
    const onError = (err: Error) => this.onError(err);
    client.on('error', onError);
    let returned = false;
    const giveBack = (err?: Error) => {
      if (returned) return;
      returned = true;
      this.held.delete(client);
      client.off('error', onError);
      client.release(err);
    };
    this.held.set(client, giveBack);
    try {
      const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS locked`, key);
      if (!rows[0]?.locked) {
        giveBack();
        return null;
      }
    } catch (err) {
      giveBack(err as Error);
      throw err;
    }
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        try {
          const { rows } = await client.query<{ unlocked: boolean }>(`SELECT pg_advisory_unlock(hashtext($1), hashtext($2)) AS unlocked`, key);
          // Closing the session releases the lock whatever happened; only a clean unlock pools it again.
          giveBack(rows[0]?.unlocked ? undefined : new Error('advisory lock was not held'));
        } catch (err) {
          giveBack(err as Error);
        }
      },
    };
  }

  /** Nest calls this on shutdown: locks still held die with their connections. */
  onModuleDestroy(): Promise<void> {
    for (const giveBack of [...this.held.values()]) giveBack(new Error('worker shutting down'));
    return this.pool.end();
  }
}

/** Thrown when a workspace's lock is held; the job is put back to wait without using an attempt. */
export class WorkspaceBusyError extends Error {
  override readonly name = 'WorkspaceBusyError';
  constructor(readonly workspaceId: string) {
    super(`workspace ${workspaceId} is busy with another operation`);
  }
}

export const WORKSPACE_LOCKS = Symbol('WORKSPACE_LOCKS');
