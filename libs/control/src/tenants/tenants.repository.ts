import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '../database/pg-errors';
import { TenantEntity } from './tenant.entity';
import { TenantError } from './tenants.errors';

export interface TenantListQuery {
  limit: number;
  /** Names sort the list; the page starts after this one. */
  afterName?: string;
  labels?: Record<string, string>;
  /** Restrict to one tenant (a tenant API key sees only its own). */
  onlyId?: string;
}

/** Data access for kplane.tenants; pg errors become TenantErrors here and nowhere else. */
@Injectable()
export class TenantsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(TenantEntity);
  }

  async insert(tenant: TenantEntity, manager?: EntityManager): Promise<TenantEntity> {
    try {
      await this.repo(manager).insert(tenant);
    } catch (err) {
      if (isUniqueViolation(err, 'tenants_name_key') || isUniqueViolation(err, 'tenants_pkey')) {
        throw new TenantError('TENANT_NAME_TAKEN', `tenant "${tenant.name}" already exists`);
      }
      throw err;
    }
    return this.repo(manager).findOneByOrFail({ id: tenant.id });
  }

  findByName(name: string, manager?: EntityManager): Promise<TenantEntity | null> {
    return this.repo(manager).findOneBy({ name });
  }

  findById(id: string, manager?: EntityManager): Promise<TenantEntity | null> {
    return this.repo(manager).findOneBy({ id });
  }

  /** Locks the tenant row for the rest of the transaction (FOR UPDATE or FOR SHARE). */
  findByNameLocked(manager: EntityManager, name: string, mode: 'update' | 'share'): Promise<TenantEntity | null> {
    return manager
      .getRepository(TenantEntity)
      .createQueryBuilder('t')
      .setLock(mode === 'update' ? 'pessimistic_write' : 'pessimistic_read')
      .where('t.name = :name', { name })
      .getOne();
  }

  /**
   * Serialises workspace creations in one tenant until the transaction ends, so a quota count
   * taken after it is exact. Taken after the tenant's FOR SHARE lock, never before it.
   */
  async lockWorkspaceCreations(manager: EntityManager, tenantId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('kplane.workspace-creations'), hashtext($1))`, [tenantId]);
  }

  async list(query: TenantListQuery): Promise<TenantEntity[]> {
    const qb = this.repo().createQueryBuilder('t').orderBy('t.name', 'ASC').limit(query.limit);
    if (query.afterName !== undefined) qb.andWhere('t.name > :afterName', { afterName: query.afterName });
    if (query.labels && Object.keys(query.labels).length > 0) {
      qb.andWhere('t.labels @> CAST(:labels AS jsonb)', { labels: JSON.stringify(query.labels) });
    }
    if (query.onlyId !== undefined) qb.andWhere('t.id = :onlyId', { onlyId: query.onlyId });
    return qb.getMany();
  }

  async update(manager: EntityManager, id: string, changes: Partial<Pick<TenantEntity, 'displayName' | 'labels' | 'quota' | 'phase'>>): Promise<TenantEntity> {
    if (Object.keys(changes).length > 0) {
      await manager.getRepository(TenantEntity).update({ id }, changes);
    }
    return manager.getRepository(TenantEntity).findOneByOrFail({ id });
  }
}
