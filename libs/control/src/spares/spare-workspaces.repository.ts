import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export type SpareState = 'Creating' | 'Ready' | 'Dropping';

export interface SpareWorkspace {
  id: string;
  state: SpareState;
}

/**
 * The warm pool's bookkeeping. The worker builds spares (Creating -> Ready) and drops extras
 * (Ready -> Dropping -> gone); the API takes a Ready one for a new workspace. Taking deletes the
 * row in the caller's transaction, so a rolled-back creation leaves the spare in the pool.
 */
@Injectable()
export class SpareWorkspacesRepository {
  constructor(private readonly ds: DataSource) {}

  /** The oldest Ready spare of the shard, removed from the pool; null when the pool is empty. */
  async take(manager: EntityManager, shard: string): Promise<string | null> {
    const rows: { id: string }[] = await manager.query(
      // A SELECT over the DELETE: TypeORM answers a bare DELETE with [rows, count], not rows.
      `/* spare_workspaces.take */ WITH taken AS (
         DELETE FROM kplane.spare_workspaces WHERE id = (
           SELECT id FROM kplane.spare_workspaces WHERE shard = $1 AND state = 'Ready' ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING id)
       SELECT id FROM taken`,
      [shard],
    );
    return rows[0]?.id ?? null;
  }

  /** Records a new spare before anything of it is built. */
  async reserve(id: string, shard: string): Promise<void> {
    await this.ds.query(`/* spare_workspaces.reserve */ INSERT INTO kplane.spare_workspaces (id, shard, state) VALUES ($1, $2, 'Creating')`, [id, shard]);
  }

  list(shard: string): Promise<SpareWorkspace[]> {
    return this.ds.query(`/* spare_workspaces.list */ SELECT id, state FROM kplane.spare_workspaces WHERE shard = $1 ORDER BY created_at, id`, [shard]);
  }

  /** Creating -> Ready; false when the row is gone or in another state. */
  markReady(id: string): Promise<boolean> {
    return this.transition(id, 'Creating', 'Ready');
  }

  /** Ready -> Dropping; false when the spare was taken meanwhile (then it is a workspace now). */
  markDropping(id: string): Promise<boolean> {
    return this.transition(id, 'Ready', 'Dropping');
  }

  /** Forgets a spare whose schema and role are gone. */
  async remove(id: string): Promise<void> {
    await this.ds.query(`/* spare_workspaces.remove */ DELETE FROM kplane.spare_workspaces WHERE id = $1`, [id]);
  }

  private async transition(id: string, from: SpareState, to: SpareState): Promise<boolean> {
    const res = await this.ds.query(
      `/* spare_workspaces.transition */ UPDATE kplane.spare_workspaces SET state = $3, updated_at = now() WHERE id = $1 AND state = $2`,
      [id, from, to],
    );
    return ((res as [unknown, number])[1] ?? 0) > 0;
  }
}
