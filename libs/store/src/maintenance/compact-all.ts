import { Pool } from 'pg';
import { CompactOptions } from '../objects/change-log.types';
import { WorkspaceStore } from '../objects/workspace-store';
import { WorkspaceSchemas } from '../schemas/workspace-schemas';

export interface CompactAllOptions {
  logger?: { warn(obj: object, msg: string): void };
}

export interface CompactAllResult {
  /** Workspaces compacted successfully. */
  workspaces: number;
  /** Change rows deleted across them. */
  deleted: number;
  /** Ids whose compaction failed (each was logged); the walk went on. */
  failed: string[];
}

/**
 * Worker job: compacts the change log of every workspace of this database. Roles are
 * server-wide, so listWorkspaceSchemas also names workspaces of other databases (or
 * half-provisioned ones); only those with a schema here are compacted. Sequential on purpose:
 * compaction is background work and must not take many connections of the shard at once.
 */
export async function compactAll(pool: Pool, keep: CompactOptions, opts: CompactAllOptions = {}): Promise<CompactAllResult> {
  const schemas = new WorkspaceSchemas(pool);
  const result: CompactAllResult = { workspaces: 0, deleted: 0, failed: [] };
  for (const id of await schemas.listWorkspaceSchemas()) {
    try {
      if (!(await schemas.exists(id)).schema) continue;
      const r = await new WorkspaceStore(pool, id).compact(keep);
      result.workspaces++;
      result.deleted += r.deleted;
    } catch (err) {
      // Dropped meanwhile, not yet migrated, or a transient error: the next run retries.
      result.failed.push(id);
      opts.logger?.warn({ workspaceId: id, err: (err as Error).message }, 'change-log compaction of a workspace failed');
    }
  }
  return result;
}
