import { Inject, Injectable } from '@nestjs/common';
import { OperationProgress, planReconciliation, ReconcilePlan, ReconciliationRepository } from '@kplane/control';
import { WorkspaceSchemas, workspaceSchemaName } from '@kplane/store';
import { PinoLogger } from 'nestjs-pino';
import { Pool } from 'pg';
import { SHARD_POOL } from '../lifecycle/lifecycle-deps.provider';
import { WORKSPACE_LOCKS, WorkspaceLockPort } from '../lifecycle/workspace-lock';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { WORKER_CONFIG, WorkerConfig } from '../worker-config';

export interface ReconcileResult {
  plan: ReconcilePlan;
  dropped: string[];
  markedFailed: string[];
  upgraded: string[];
  credentialsDeleted: number;
  skipped: string[];
  failed: { id: string; kind: string; error: string }[];
}

/**
 * Compares the control schema with the shard and repairs drift: orphan schemas and roles are
 * dropped, Ready/Suspended workspaces whose schema is gone become Failed, credentials of deleted
 * workspaces are removed, and the schemas of Ready/Suspended workspaces built by an older release
 * get the workspace DDL versions added since. Every repair holds the workspace's lifecycle lock
 * and re-checks first, so it never races an operation. Findings are exported as gauges.
 */
@Injectable()
export class WorkspaceReconciler {
  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(SHARD_POOL) private readonly pool: Pool,
    @Inject(WORKSPACE_LOCKS) private readonly locks: WorkspaceLockPort,
    private readonly repo: ReconciliationRepository,
    private readonly progress: OperationProgress,
    private readonly metrics: WorkerMetrics,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('WorkspaceReconciler');
  }

  async reconcile(): Promise<ReconcileResult> {
    const schemas = new WorkspaceSchemas(this.pool);
    const gathered = await this.repo.gather(new Date(), this.config.reconcile.graceSeconds * 1000);
    const plan = planReconciliation({ ...gathered, outdatedSchemas: await this.outdated(schemas) });
    this.metrics.orphanSchemas.set(plan.orphanSchemas.length);
    this.metrics.orphanRoles.set(plan.orphanRoles.length);
    this.metrics.missingSchemas.set(plan.missingSchemas.length);
    this.metrics.orphanCredentials.set(plan.orphanCredentials.length);
    this.metrics.deferredOrphans.set(plan.deferred.length);
    this.metrics.outdatedSchemas.set(plan.outdatedSchemas.length);
    const result: ReconcileResult = { plan, dropped: [], markedFailed: [], upgraded: [], credentialsDeleted: 0, skipped: [], failed: [] };

    for (const id of [...new Set([...plan.orphanSchemas, ...plan.orphanRoles])]) {
      await this.repair(result, id, 'orphan', async () => {
        if (!(await this.repo.isOrphan(id))) return false;
        await schemas.drop(id);
        result.dropped.push(id);
        return true;
      });
    }
    for (const id of plan.missingSchemas) {
      await this.repair(result, id, 'missing_schema', async () => {
        const present = await schemas.exists(id);
        if (present.schema && present.role) return false;
        const what = !present.schema ? `schema ${workspaceSchemaName(id)}` : `role ${workspaceSchemaName(id)}`;
        const { changed } = await this.progress.transitionWorkspacePhase(
          id,
          ['Ready', 'Suspended'],
          'Failed',
          `the workspace's data is gone: ${what} is missing on its shard. Delete the workspace to clean up.`,
        );
        if (changed) result.markedFailed.push(id);
        return changed;
      });
    }
    for (const id of plan.orphanCredentials) {
      await this.repair(result, id, 'orphan_credentials', async () => {
        const n = await this.repo.deleteOrphanCredentials(id);
        result.credentialsDeleted += n;
        return n > 0;
      });
    }
    for (const id of plan.outdatedSchemas) {
      await this.repair(result, id, 'outdated_schema', async () => {
        // Re-checked under the lock: a deletion that got there first leaves nothing to upgrade.
        if (!(await this.repo.isServing(id)) || !(await schemas.upgrade(id))) return false;
        result.upgraded.push(id);
        return true;
      });
    }
    this.metrics.lastReconcile.set(Date.now() / 1000);
    if (result.upgraded.length) this.logger.info({ upgraded: result.upgraded }, 'workspace schemas upgraded to the latest version');
    if (result.dropped.length || result.markedFailed.length || result.credentialsDeleted || result.failed.length) {
      this.logger.warn(
        { dropped: result.dropped, markedFailed: result.markedFailed, credentialsDeleted: result.credentialsDeleted, failed: result.failed, deferred: plan.deferred },
        'reconciliation repaired drift',
      );
    }
    return result;
  }

  /** Outdated schemas; none this time when the listing fails (a schema dropped while it was read). */
  private async outdated(schemas: WorkspaceSchemas): Promise<string[]> {
    try {
      return await schemas.listOutdated();
    } catch (err) {
      this.metrics.repairs.inc({ kind: 'outdated_schema', outcome: 'failed' });
      this.logger.warn({ err: (err as Error).message }, 'listing outdated workspace schemas failed; trying again next time');
      return [];
    }
  }

  private async repair(result: ReconcileResult, id: string, kind: string, fn: () => Promise<boolean>): Promise<void> {
    try {
      const lock = await this.locks.tryAcquire(id);
      if (!lock) {
        result.skipped.push(id);
        return;
      }
      try {
        const repaired = await fn();
        this.metrics.repairs.inc({ kind, outcome: repaired ? 'repaired' : 'unchanged' });
      } finally {
        await lock.release();
      }
    } catch (err) {
      this.metrics.repairs.inc({ kind, outcome: 'failed' });
      result.failed.push({ id, kind, error: (err as Error).message });
    }
  }
}
