import { Inject, Injectable } from '@nestjs/common';
import { finalizeTerminatingCrds, finalizeTerminatingNamespaces, WorkspaceSchemas, WorkspaceStore } from '@kplane/store';
import { PinoLogger } from 'nestjs-pino';
import { Pool } from 'pg';
import { SHARD_POOL } from '../lifecycle/lifecycle-deps.provider';

export interface GarbageSweepResult {
  workspaces: number;
  collected: number;
  namespacesRemoved: number;
  crdsRemoved: number;
  failed: string[];
}

/**
 * The garbage collector and namespace controller of every workspace, as one periodic sweep.
 * The API server starts this work at once when it can; the sweep finishes whatever a crash or
 * restart interrupted, so every deletion eventually completes.
 */
@Injectable()
export class WorkspaceGarbageCollector {
  constructor(@Inject(SHARD_POOL) private readonly pool: Pool, private readonly logger: PinoLogger) {
    this.logger.setContext('WorkspaceGarbageCollector');
  }

  async sweepAll(): Promise<GarbageSweepResult> {
    const schemas = new WorkspaceSchemas(this.pool);
    const result: GarbageSweepResult = { workspaces: 0, collected: 0, namespacesRemoved: 0, crdsRemoved: 0, failed: [] };
    for (const id of await schemas.listWorkspaceSchemas()) {
      try {
        if (!(await schemas.exists(id)).schema) continue;
        const store = new WorkspaceStore(this.pool, id);
        result.namespacesRemoved += await finalizeTerminatingNamespaces(store);
        result.crdsRemoved += await finalizeTerminatingCrds(store);
        result.collected += await store.collectGarbage();
        result.workspaces++;
      } catch (err) {
        result.failed.push(id);
        this.logger.warn({ workspaceId: id, err: (err as Error).message }, 'garbage collection of a workspace failed');
      }
    }
    if (result.collected || result.namespacesRemoved || result.crdsRemoved) this.logger.info({ ...result }, 'garbage collected');
    return result;
  }
}
