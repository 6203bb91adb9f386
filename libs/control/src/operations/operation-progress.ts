import { DataSource } from 'typeorm';
import { WorkspacePhase } from '../workspaces/workspace.entity';
import { OperationEntity } from './operation.entity';

/** Errors kept on operations are short and carry no secrets (callers pass messages, not objects). */
const MAX_ERROR_LENGTH = 2000;

/** State transitions of operations and workspaces as the worker drives them. */
export class OperationProgress {
  constructor(private readonly ds: DataSource) {}

  load(operationId: string): Promise<OperationEntity | null> {
    return this.ds.getRepository(OperationEntity).findOneBy({ id: operationId });
  }

  async start(operationId: string, attempt: number): Promise<void> {
    await this.ds.query(
      `UPDATE kplane.operations
          SET status = 'Running', attempts = GREATEST(attempts, $2), started_at = COALESCE(started_at, now()), updated_at = now()
        WHERE id = $1 AND status IN ('Queued', 'Running')`,
      [operationId, attempt],
    );
  }

  async succeed(operationId: string): Promise<void> {
    await this.ds.query(
      `UPDATE kplane.operations SET status = 'Succeeded', error = NULL, finished_at = now(), updated_at = now() WHERE id = $1`,
      [operationId],
    );
  }

  /** A failed attempt that will be retried goes back to Queued with its error visible. */
  async attemptFailed(operationId: string, error: string): Promise<void> {
    await this.ds.query(
      `UPDATE kplane.operations SET status = 'Queued', error = $2, updated_at = now() WHERE id = $1 AND status = 'Running'`,
      [operationId, error.slice(0, MAX_ERROR_LENGTH)],
    );
  }

  async fail(operationId: string, error: string): Promise<void> {
    await this.ds.query(
      `UPDATE kplane.operations SET status = 'Failed', error = $2, finished_at = now(), updated_at = now() WHERE id = $1`,
      [operationId, error.slice(0, MAX_ERROR_LENGTH)],
    );
  }

  async setWorkspacePhase(workspaceId: string, phase: WorkspacePhase, message = ''): Promise<void> {
    await this.ds.query(
      `UPDATE kplane.workspaces
          SET phase = $2, message = $3, updated_at = now(),
              ready_at = CASE WHEN $2 = 'Ready' THEN COALESCE(ready_at, now()) ELSE ready_at END
        WHERE id = $1`,
      [workspaceId, phase, message.slice(0, MAX_ERROR_LENGTH)],
    );
  }

  /**
   * Moves the workspace to `to` only from one of `from` (compare-and-set), so a step never
   * overwrites a phase someone else set meanwhile (a deletion requested mid-provisioning).
   * Returns whether it changed and the phase found (null: the row is gone).
   */
  async transitionWorkspacePhase(
    workspaceId: string,
    from: WorkspacePhase[],
    to: WorkspacePhase,
    message = '',
  ): Promise<{ changed: boolean; phase: WorkspacePhase | null }> {
    const updated: { phase: WorkspacePhase }[] = await this.ds.query(
      `UPDATE kplane.workspaces
          SET phase = $2, message = $3, updated_at = now(),
              ready_at = CASE WHEN $2 = 'Ready' THEN COALESCE(ready_at, now()) ELSE ready_at END
        WHERE id = $1 AND phase = ANY($4::text[])
        RETURNING phase`,
      [workspaceId, to, message.slice(0, MAX_ERROR_LENGTH), from],
    );
    if (updated.length > 0) return { changed: true, phase: to };
    return { changed: false, phase: await this.workspacePhase(workspaceId) };
  }

  async workspacePhase(workspaceId: string): Promise<WorkspacePhase | null> {
    const rows: { phase: WorkspacePhase }[] = await this.ds.query(`SELECT phase FROM kplane.workspaces WHERE id = $1`, [workspaceId]);
    return rows[0]?.phase ?? null;
  }

  async deleteWorkspaceRow(workspaceId: string): Promise<void> {
    await this.ds.query(`DELETE FROM kplane.workspaces WHERE id = $1`, [workspaceId]);
  }
}
