import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_SHARD, SpareWorkspace, SpareWorkspacesRepository } from '@kplane/control';
import { WorkspaceSchemas } from '@kplane/store';
import { PinoLogger } from 'nestjs-pino';
import { Pool } from 'pg';
import { SHARD_POOL } from '../lifecycle/lifecycle-deps.provider';
import { WORKSPACE_LOCKS, WorkspaceLockPort } from '../lifecycle/workspace-lock';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { WORKER_CONFIG, WorkerConfig } from '../worker-config';

/** Lifecycle jobs waiting or running: while there are any, new spares wait (they would compete with them). */
export const LIFECYCLE_BACKLOG = Symbol('LIFECYCLE_BACKLOG');
export type LifecycleBacklog = () => Promise<number>;

export interface TopUpResult {
  built: number;
  dropped: number;
  /** Spares another worker was busy with. */
  skipped: number;
  /** New spares not built yet because provisioning was busy. */
  deferred: number;
  ready: number;
}

/**
 * Keeps KPLANE_SPARE_WORKSPACES workspace schemas and roles built ahead of demand, so a burst of
 * new workspaces skips the DDL (most of provisioning's database work). Each spare is recorded
 * before it is built and forgotten only after it is dropped, and every step can run again, so a
 * crash anywhere leaves a row that the next run finishes: never an orphan. Each spare is worked
 * on under its lifecycle lock, so two workers never build or drop the same one. New spares are
 * built only while no lifecycle job waits or runs: the pool fills between bursts, not during them.
 */
@Injectable()
export class SparePool {
  private readonly schemas: WorkspaceSchemas;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(SHARD_POOL) pool: Pool,
    @Inject(WORKSPACE_LOCKS) private readonly locks: WorkspaceLockPort,
    private readonly spares: SpareWorkspacesRepository,
    @Inject(LIFECYCLE_BACKLOG) private readonly backlog: LifecycleBacklog,
    private readonly metrics: WorkerMetrics,
    private readonly logger: PinoLogger,
  ) {
    this.schemas = new WorkspaceSchemas(pool);
    this.logger.setContext('SparePool');
  }

  async topUp(): Promise<TopUpResult> {
    const target = this.config.spares.target;
    const result: TopUpResult = { built: 0, dropped: 0, skipped: 0, deferred: 0, ready: 0 };
    const current = await this.spares.list(DEFAULT_SHARD);
    // Unfinished work first (a crash or a lowered target), then the shortfall, then the excess.
    for (const spare of current.filter((s) => s.state !== 'Ready')) {
      if (await this.finish(spare)) result[spare.state === 'Creating' ? 'built' : 'dropped']++;
      else result.skipped++;
    }
    const live = current.filter((s) => s.state !== 'Dropping').length;
    for (let i = live; i < target; i++) {
      if ((await this.backlog()) > 0) {
        result.deferred = target - i;
        break;
      }
      const id = randomUUID();
      await this.spares.reserve(id, DEFAULT_SHARD);
      if (await this.finish({ id, state: 'Creating' })) result.built++;
    }
    const ready = current.filter((s) => s.state === 'Ready');
    for (const spare of ready.slice(0, Math.max(0, live - target))) {
      if (!(await this.spares.markDropping(spare.id))) continue; // taken meanwhile: a workspace now
      if (await this.finish({ id: spare.id, state: 'Dropping' })) result.dropped++;
      else result.skipped++;
    }
    result.ready = (await this.spares.list(DEFAULT_SHARD)).filter((s) => s.state === 'Ready').length;
    this.metrics.spareWorkspaces.set(result.ready);
    if (result.built || result.dropped) this.logger.info({ ...result, target }, 'warm pool topped up');
    return result;
  }

  /** Builds (Creating) or drops (Dropping) one spare under its lock; false when another worker holds it. */
  private async finish(spare: SpareWorkspace): Promise<boolean> {
    const lock = await this.locks.tryAcquire(spare.id);
    if (!lock) return false;
    try {
      if (spare.state === 'Creating') {
        await this.schemas.ensureBuilt(spare.id);
        return this.spares.markReady(spare.id);
      }
      await this.schemas.drop(spare.id);
      await this.spares.remove(spare.id);
      return true;
    } finally {
      await lock.release();
    }
  }
}
