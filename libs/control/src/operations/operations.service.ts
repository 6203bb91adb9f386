import { Injectable } from '@nestjs/common';
import { decodeCursor, Page, PageRequest, pageLimit, toPage } from '../pagination/cursor';
import { QueryError } from '../pagination/pagination.errors';
import { canSeeTenant, Principal } from '../tenants/principal';
import { TenantError } from '../tenants/tenants.errors';
import { TenantsRepository } from '../tenants/tenants.repository';
import { OperationEntity } from './operation.entity';
import { OperationError } from './operations.errors';
import { OperationsRepository } from './operations.repository';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID_RE.test(value);

/** Read side of operations, scoped by principal. */
@Injectable()
export class OperationsService {
  constructor(
    private readonly operations: OperationsRepository,
    private readonly tenants: TenantsRepository,
  ) {}

  async get(principal: Principal, id: string): Promise<OperationEntity> {
    const notFound = () => new OperationError('OPERATION_NOT_FOUND', `operation "${id}" not found`);
    if (!isUuid(id)) throw notFound();
    const op = await this.operations.findById(id.toLowerCase());
    if (!op || !canSeeTenant(principal, op.tenantId)) throw notFound();
    return op;
  }

  async listForTenant(principal: Principal, tenantName: string, page: PageRequest): Promise<Page<OperationEntity>> {
    const tenant = await this.tenants.findByName(tenantName);
    if (!tenant || !canSeeTenant(principal, tenant.id)) throw TenantError.notFound(tenantName);
    const limit = pageLimit(page);
    let afterId: string | undefined;
    if (page.cursor) {
      [afterId] = decodeCursor(page.cursor, 1) as [string];
      if (!isUuid(afterId)) throw new QueryError('INVALID_CURSOR', 'cursor is not one this API issued');
    }
    const rows = await this.operations.listForTenant({ tenantId: tenant.id, limit: limit + 1, afterId });
    return toPage(rows, limit, (op) => [op.id]);
  }
}
