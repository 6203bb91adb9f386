import { Client } from 'pg';

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
 * on a dedicated connection (not a pooled one, which would carry the lock back into the pool).
 * A worker that dies loses its connection and so its locks; nothing needs cleaning up.
 */
export class WorkspaceLocks implements WorkspaceLockPort {
  constructor(private readonly databaseUrl: string, private readonly onError: (err: Error) => void = () => undefined) {}

  async tryAcquire(workspaceId: string): Promise<WorkspaceLockHandle | null> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'kplane-worker-lock' });
    client.on('error', (err) => this.onError(err));
    await client.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS locked`,
        [LOCK_SPACE, workspaceId.toLowerCase()],
      );
      if (!rows[0]?.locked) {
        await client.end().catch(() => undefined);
        return null;
      }
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        // Ending the session releases the lock even when the unlock itself fails.
        await client.query(`SELECT pg_advisory_unlock(hashtext($1), hashtext($2))`, [LOCK_SPACE, workspaceId.toLowerCase()]).catch(() => undefined);
        await client.end().catch(() => undefined);
      },
    };
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
