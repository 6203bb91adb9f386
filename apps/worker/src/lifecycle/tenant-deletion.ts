import { Inject, Injectable } from '@nestjs/common';
import { OperationEntity } from '@kplane/control';
import { DataSource } from 'typeorm';
import { LifecycleDeps } from '../provisioning/lifecycle-deps';
import { runSteps } from '../provisioning/step';
import { DEPROVISION_STEPS } from '../provisioning/steps/provision.steps';
import { LIFECYCLE_DEPS } from './lifecycle-deps.provider';

/** DeleteTenant: deprovision every workspace (each step idempotent), then remove the tenant. */
@Injectable()
export class TenantDeletion {
  constructor(private readonly ds: DataSource, @Inject(LIFECYCLE_DEPS) private readonly deps: LifecycleDeps) {}

  async run(operation: OperationEntity, log: (msg: string, extra?: Record<string, unknown>) => void): Promise<void> {
    await this.ds.query(`UPDATE kplane.workspaces SET phase = 'Deleting', message = 'tenant is being deleted', updated_at = now() WHERE tenant_id = $1`, [
      operation.tenantId,
    ]);
    const workspaces: { id: string }[] = await this.ds.query(`SELECT id FROM kplane.workspaces WHERE tenant_id = $1 ORDER BY id`, [operation.tenantId]);
    for (const { id } of workspaces) {
      await runSteps(DEPROVISION_STEPS, { operation, workspaceId: id, deps: this.deps, log: (m, e) => log(m, { ...e, workspaceId: id }) });
    }
    await this.ds.query(`DELETE FROM kplane.tenants WHERE id = $1`, [operation.tenantId]);
  }
}
