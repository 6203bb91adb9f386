import { Inject, Injectable } from '@nestjs/common';
import { OperationEntity } from '@kplane/control';
import { DataSource } from 'typeorm';
import { LifecycleDeps } from '../provisioning/lifecycle-deps';
import { runSteps, StepContext } from '../provisioning/step';
import { DEPROVISION_STEPS } from '../provisioning/steps/provision.steps';
import { LIFECYCLE_DEPS } from './lifecycle-deps.provider';
import { WORKSPACE_LOCKS, WorkspaceBusyError, WorkspaceLockPort } from './workspace-lock';

/**
 * DeleteTenant: mark every workspace Deleting (so no provisioning finishes meanwhile), deprovision
 * each under its lifecycle lock (each step idempotent), then remove the tenant. A crash anywhere
 * re-runs from the top and skips what is already gone; a workspace busy with another operation
 * puts the whole job back to wait (WorkspaceBusyError).
 */
@Injectable()
export class TenantDeletion {
  constructor(
    private readonly ds: DataSource,
    @Inject(LIFECYCLE_DEPS) private readonly deps: LifecycleDeps,
    @Inject(WORKSPACE_LOCKS) private readonly locks: WorkspaceLockPort,
  ) {}

  async run(
    operation: OperationEntity,
    log: (msg: string, extra?: Record<string, unknown>) => void,
    checkpoint?: StepContext<LifecycleDeps>['checkpoint'],
  ): Promise<void> {
    await checkpoint?.('mark-tenant-workspaces-deleting');
    await this.ds.query(`UPDATE kplane.workspaces SET phase = 'Deleting', message = 'tenant is being deleted', updated_at = now() WHERE tenant_id = $1`, [
      operation.tenantId,
    ]);
    const workspaces: { id: string }[] = await this.ds.query(`SELECT id FROM kplane.workspaces WHERE tenant_id = $1 ORDER BY id`, [operation.tenantId]);
    for (const { id } of workspaces) {
      const lock = await this.locks.tryAcquire(id);
      if (!lock) throw new WorkspaceBusyError(id);
      try {
        await runSteps(DEPROVISION_STEPS, { operation, workspaceId: id, deps: this.deps, checkpoint, log: (m, e) => log(m, { ...e, workspaceId: id }) });
      } finally {
        await lock.release();
      }
    }
    await checkpoint?.('delete-tenant-record');
    await this.ds.query(`DELETE FROM kplane.tenants WHERE id = $1`, [operation.tenantId]);
  }
}
