import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { IN_FLIGHT_STATUSES } from './new-operation';
import { OperationEntity, OperationType } from './operation.entity';

export interface OperationListQuery {
  tenantId: string;
  limit: number;
  /** Newest first; the page starts after the operation with this id. */
  afterId?: string;
}

@Injectable()
export class OperationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(OperationEntity);
  }

  async insert(op: OperationEntity, manager?: EntityManager): Promise<OperationEntity> {
    // The columns the database fills in come back through RETURNING onto `op` (see WorkspacesRepository.insert).
    await this.repo(manager).insert(op);
    return op;
  }

  findById(id: string, manager?: EntityManager): Promise<OperationEntity | null> {
    return this.repo(manager).findOneBy({ id });
  }

  /** The newest Queued/Running operation of a type on a workspace, if any. */
  findInFlightForWorkspace(manager: EntityManager, workspaceId: string, types: OperationType[]): Promise<OperationEntity | null> {
    return this.repo(manager).findOne({
      where: { workspaceId, type: In(types), status: In([...IN_FLIGHT_STATUSES]) },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }

  /** The newest Queued/Running tenant-level operation of a type, if any. */
  findInFlightForTenant(manager: EntityManager, tenantId: string, type: OperationType): Promise<OperationEntity | null> {
    return this.repo(manager)
      .createQueryBuilder('o')
      .where('o.tenant_id = :tenantId AND o.type = :type AND o.workspace_id IS NULL', { tenantId, type })
      .andWhere('o.status IN (:...statuses)', { statuses: [...IN_FLIGHT_STATUSES] })
      .orderBy('o.created_at', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .getOne();
  }

  /**
   * Operations still Queued that were recorded before `olderThan` (oldest first), for the
   * sweeper that re-enqueues what Redis never received. Uses operations_queued_idx.
   */
  findQueuedBefore(olderThan: Date, limit: number): Promise<OperationEntity[]> {
    return this.repo()
      .createQueryBuilder('o')
      .where("o.status = 'Queued'")
      .andWhere('o.created_at < :olderThan', { olderThan })
      .orderBy('o.created_at', 'ASC')
      .limit(limit)
      .getMany();
  }

  /**
   * Newest first, keyset on (created_at, id). The cursor holds only the id; its exact
   * created_at (microseconds, which a JS Date would lose) is read back in SQL.
   */
  listForTenant(query: OperationListQuery): Promise<OperationEntity[]> {
    const qb = this.repo()
      .createQueryBuilder('o')
      .where('o.tenant_id = :tenantId', { tenantId: query.tenantId })
      .orderBy('o.created_at', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .limit(query.limit);
    if (query.afterId !== undefined) {
      qb.andWhere('(o.created_at, o.id) < (SELECT c.created_at, c.id FROM kplane.operations c WHERE c.id = :afterId)', {
        afterId: query.afterId,
      });
    }
    return qb.getMany();
  }
}
