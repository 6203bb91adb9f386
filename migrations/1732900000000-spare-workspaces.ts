import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The warm pool: workspace ids whose schema and role the worker has built ahead of demand. A new
 * workspace takes one (its id becomes the workspace's) in the transaction that records it. A row
 * exists for as long as anything of the spare exists, so a spare is never an orphan.
 */
export class SpareWorkspaces1732900000000 implements MigrationInterface {
  name = 'SpareWorkspaces1732900000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE kplane.spare_workspaces (
        id uuid PRIMARY KEY,
        shard text NOT NULL,
        state text NOT NULL CHECK (state IN ('Creating', 'Ready', 'Dropping')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX spare_workspaces_shard_state_idx ON kplane.spare_workspaces (shard, state, created_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE kplane.spare_workspaces`);
  }
}
