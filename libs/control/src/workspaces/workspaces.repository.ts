import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Not } from 'typeorm';
import { isForeignKeyViolation, isUniqueViolation } from '../database/pg-errors';
import { TenantError } from '../tenants/tenants.errors';
import { WorkspaceEntity, WorkspacePhase } from './workspace.entity';
import { WorkspaceError } from './workspaces.errors';

export interface WorkspaceListQuery {
  tenantId: string;
  limit: number;
  afterName?: string;
  labels?: Record<string, string>;
}

@Injectable()
export class WorkspacesRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(WorkspaceEntity);
  }

  async insert(workspace: WorkspaceEntity, tenantName: string, manager?: EntityManager): Promise<WorkspaceEntity> {
    try {
      await this.repo(manager).insert(workspace);
    } catch (err) {
      if (isUniqueViolation(err, 'workspaces_tenant_id_name_key')) {
        throw new WorkspaceError('WORKSPACE_NAME_TAKEN', `workspace "${workspace.name}" already exists in tenant "${tenantName}"`);
      }
      if (isForeignKeyViolation(err, 'workspaces_tenant_id_fkey')) throw TenantError.notFound(tenantName);
      throw err;
    }
    // insert() copies what the database filled in (created_at, updated_at) back onto the entity
    // (RETURNING), so no second round trip reads the row again.
    return workspace;
  }

  findByName(tenantId: string, name: string, manager?: EntityManager): Promise<WorkspaceEntity | null> {
    return this.repo(manager).findOneBy({ tenantId, name });
  }

  findById(id: string, manager?: EntityManager): Promise<WorkspaceEntity | null> {
    return this.repo(manager).findOneBy({ id });
  }

  findByNameForUpdate(manager: EntityManager, tenantId: string, name: string): Promise<WorkspaceEntity | null> {
    return manager
      .getRepository(WorkspaceEntity)
      .createQueryBuilder('w')
      .setLock('pessimistic_write')
      .where('w.tenant_id = :tenantId AND w.name = :name', { tenantId, name })
      .getOne();
  }

  /** Workspaces that count against the tenant's maxWorkspaces (those being deleted do not). */
  countLive(manager: EntityManager, tenantId: string): Promise<number> {
    return manager.getRepository(WorkspaceEntity).countBy({ tenantId, phase: Not('Deleting' as WorkspacePhase) });
  }

  list(query: WorkspaceListQuery): Promise<WorkspaceEntity[]> {
    const qb = this.repo()
      .createQueryBuilder('w')
      .where('w.tenant_id = :tenantId', { tenantId: query.tenantId })
      .orderBy('w.name', 'ASC')
      .limit(query.limit);
    if (query.afterName !== undefined) qb.andWhere('w.name > :afterName', { afterName: query.afterName });
    if (query.labels && Object.keys(query.labels).length > 0) {
      qb.andWhere('w.labels @> CAST(:labels AS jsonb)', { labels: JSON.stringify(query.labels) });
    }
    return qb.getMany();
  }

  async setPhase(manager: EntityManager, id: string, phase: WorkspacePhase, message: string): Promise<WorkspaceEntity> {
    await manager.getRepository(WorkspaceEntity).update({ id }, { phase, message });
    return manager.getRepository(WorkspaceEntity).findOneByOrFail({ id });
  }
}
