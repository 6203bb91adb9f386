import { DataSource } from 'typeorm';
import type { WorkspacePhase } from '../workspaces/workspace.entity';
import type { ReconcileInput } from './reconciliation-plan';

const WS_NAME = `'^ws_[0-9a-f]{32}$'`;
const idFromName = (name: string): string => {
  const h = name.slice(3);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/**
 * Reads for reconciliation: the control schema plus the catalog of the database it lives in (the
 * default shard). Catalog names are matched against the workspace pattern in SQL and never
 * interpolated; dropping goes through @kplane/store in the worker.
 */
export class ReconciliationRepository {
  constructor(private readonly ds: DataSource) {}

  /** Everything but the workspace schemas' versions, which @kplane/store reads (WorkspaceSchemas.listOutdated). */
  async gather(now: Date, graceMs: number): Promise<Omit<ReconcileInput, 'outdatedSchemas'>> {
    const [schemas, roles, workspaces, operations, creds, spares] = await Promise.all([
      this.ds.query(`SELECT nspname AS name FROM pg_catalog.pg_namespace WHERE nspname ~ ${WS_NAME}`),
      this.ds.query(`SELECT rolname AS name FROM pg_catalog.pg_roles WHERE rolname ~ ${WS_NAME}`),
      this.ds.query(`SELECT id, phase FROM kplane.workspaces`),
      this.ds.query(
        `SELECT workspace_id, bool_or(status IN ('Queued', 'Running')) AS in_flight, max(updated_at) AS last_activity
           FROM kplane.operations WHERE workspace_id IS NOT NULL GROUP BY workspace_id`,
      ),
      this.ds.query(`SELECT DISTINCT workspace_id FROM kplane.credentials`),
      this.ds.query(`SELECT id FROM kplane.spare_workspaces`),
    ]);
    return {
      now,
      graceMs,
      schemas: (schemas as { name: string }[]).map((r) => idFromName(r.name)),
      roles: (roles as { name: string }[]).map((r) => idFromName(r.name)),
      workspaces: (workspaces as { id: string; phase: WorkspacePhase }[]).map((w) => ({ id: w.id, phase: w.phase })),
      operations: (operations as { workspace_id: string; in_flight: boolean; last_activity: Date }[]).map((o) => ({
        workspaceId: o.workspace_id,
        inFlight: o.in_flight,
        lastActivity: new Date(o.last_activity),
      })),
      credentialWorkspaceIds: (creds as { workspace_id: string }[]).map((r) => r.workspace_id),
      spares: (spares as { id: string }[]).map((r) => r.id),
    };
  }

  /** Re-checked under the workspace lock right before a drop: still no row, no spare and nothing in flight. */
  async isOrphan(workspaceId: string): Promise<boolean> {
    const rows = await this.ds.query(
      `SELECT NOT EXISTS (SELECT 1 FROM kplane.workspaces WHERE id = $1)
          AND NOT EXISTS (SELECT 1 FROM kplane.spare_workspaces WHERE id = $1)
          AND NOT EXISTS (SELECT 1 FROM kplane.operations WHERE workspace_id = $1 AND status IN ('Queued', 'Running')) AS orphan`,
      [workspaceId],
    );
    return rows[0]?.orphan === true;
  }

  /** Re-checked under the workspace lock right before an upgrade: Ready or Suspended, nothing in flight. */
  async isServing(workspaceId: string): Promise<boolean> {
    const rows = await this.ds.query(
      `SELECT EXISTS (SELECT 1 FROM kplane.workspaces WHERE id = $1 AND phase IN ('Ready', 'Suspended'))
          AND NOT EXISTS (SELECT 1 FROM kplane.operations WHERE workspace_id = $1 AND status IN ('Queued', 'Running')) AS serving`,
      [workspaceId],
    );
    return rows[0]?.serving === true;
  }

  /** Deletes the credentials of a workspace that no longer exists; returns how many. */
  async deleteOrphanCredentials(workspaceId: string): Promise<number> {
    const res = await this.ds.query(
      `DELETE FROM kplane.credentials c
        WHERE c.workspace_id = $1 AND NOT EXISTS (SELECT 1 FROM kplane.workspaces w WHERE w.id = c.workspace_id)`,
      [workspaceId],
    );
    return (res as [unknown, number])[1] ?? 0;
  }
}
