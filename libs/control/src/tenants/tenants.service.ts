import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { OperationEntity } from '../operations/operation.entity';
import { dispatchAfterCommit } from '../operations/dispatch-after-commit';
import { newOperation } from '../operations/new-operation';
import { OPERATION_DISPATCHER, OperationDispatcher } from '../operations/operation-dispatcher';
import { OperationsRepository } from '../operations/operations.repository';
import { decodeCursor, Page, PageRequest, pageLimit, toPage } from '../pagination/cursor';
import { parseEqualityLabelSelector } from '../pagination/label-selector';
import { canSeeTenant, Principal } from './principal';
import { completeQuota, mergeQuota } from './quota';
import { dnsLabelProblem, labelProblems } from './resource-names';
import { Quota, TenantEntity } from './tenant.entity';
import { FieldProblem, TenantError } from './tenants.errors';
import { TenantsRepository } from './tenants.repository';

export interface CreateTenantCommand {
  name: string;
  displayName?: string | null;
  labels?: Record<string, string>;
  quota?: Partial<Quota>;
}

export interface UpdateTenantCommand {
  displayName?: string | null;
  labels?: Record<string, string>;
  quota?: Partial<Quota>;
}

export interface ListTenantsQuery extends PageRequest {
  labelSelector?: string;
}

export interface OperationRequestResult {
  operation: OperationEntity;
  /** False when an equivalent operation was already in flight and is returned instead. */
  created: boolean;
}

@Injectable()
export class TenantsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantsRepository,
    private readonly operations: OperationsRepository,
    @Inject(OPERATION_DISPATCHER) private readonly dispatcher: OperationDispatcher,
  ) {}

  async create(principal: Principal, command: CreateTenantCommand): Promise<TenantEntity> {
    if (principal.kind !== 'admin') throw new TenantError('ADMIN_ONLY', 'only the admin may create tenants');
    const problems: FieldProblem[] = [];
    const nameProblem = dnsLabelProblem(command.name);
    if (nameProblem) problems.push({ field: 'name', message: `name ${nameProblem}` });
    if (command.labels !== undefined) {
      for (const message of labelProblems(command.labels)) problems.push({ field: 'labels', message });
    }
    if (problems.length) throw new TenantError('TENANT_INVALID', 'the tenant is invalid', problems);

    const tenant = new TenantEntity();
    tenant.id = randomUUID();
    tenant.name = command.name;
    tenant.displayName = command.displayName ?? null;
    tenant.labels = command.labels ?? {};
    tenant.phase = 'Active';
    tenant.quota = completeQuota(command.quota);
    return this.tenants.insert(tenant);
  }

  async list(principal: Principal, query: ListTenantsQuery): Promise<Page<TenantEntity>> {
    const limit = pageLimit(query);
    const labels = query.labelSelector !== undefined ? parseEqualityLabelSelector(query.labelSelector) : undefined;
    const afterName = query.cursor ? decodeCursor(query.cursor, 1)[0] : undefined;
    const rows = await this.tenants.list({
      limit: limit + 1,
      afterName,
      labels,
      onlyId: principal.kind === 'tenant' ? principal.tenantId : undefined,
    });
    return toPage(rows, limit, (t) => [t.name]);
  }

  async get(principal: Principal, name: string): Promise<TenantEntity> {
    const tenant = await this.tenants.findByName(name);
    if (!tenant || !canSeeTenant(principal, tenant.id)) throw TenantError.notFound(name);
    return tenant;
  }

  async update(principal: Principal, name: string, command: UpdateTenantCommand): Promise<TenantEntity> {
    if (command.labels !== undefined) {
      const problems = labelProblems(command.labels).map((message) => ({ field: 'labels', message }));
      if (problems.length) throw new TenantError('TENANT_INVALID', 'the tenant is invalid', problems);
    }
    return this.dataSource.transaction(async (manager) => {
      const tenant = await this.tenants.findByNameLocked(manager, name, 'update');
      if (!tenant || !canSeeTenant(principal, tenant.id)) throw TenantError.notFound(name);
      const changes: Partial<TenantEntity> = {};
      if (command.displayName !== undefined) changes.displayName = command.displayName;
      if (command.labels !== undefined) changes.labels = command.labels;
      if (command.quota !== undefined) changes.quota = mergeQuota(tenant.quota, command.quota);
      return this.tenants.update(manager, tenant.id, changes);
    });
  }

  async getQuota(principal: Principal, name: string): Promise<Quota> {
    return completeQuota((await this.get(principal, name)).quota);
  }

  /** Replaces the whole quota: fields left out become unlimited (null). */
  async replaceQuota(principal: Principal, name: string, quota: Partial<Quota>): Promise<Quota> {
    const tenant = await this.dataSource.transaction(async (manager) => {
      const current = await this.tenants.findByNameLocked(manager, name, 'update');
      if (!current || !canSeeTenant(principal, current.id)) throw TenantError.notFound(name);
      return this.tenants.update(manager, current.id, { quota: completeQuota(quota) });
    });
    return completeQuota(tenant.quota);
  }

  /**
   * Marks the tenant Deleting and records a DeleteTenant operation (the worker deprovisions
   * every workspace, then removes the row). Asking again while one is in flight returns it.
   */
  async requestDeletion(principal: Principal, name: string): Promise<OperationRequestResult> {
    if (principal.kind !== 'admin') throw new TenantError('ADMIN_ONLY', 'only the admin may delete tenants');
    const result = await this.dataSource.transaction(async (manager) => {
      const tenant = await this.tenants.findByNameLocked(manager, name, 'update');
      if (!tenant) throw TenantError.notFound(name);
      const inFlight = await this.operations.findInFlightForTenant(manager, tenant.id, 'DeleteTenant');
      if (inFlight) return { operation: inFlight, created: false };
      if (tenant.phase !== 'Deleting') await this.tenants.update(manager, tenant.id, { phase: 'Deleting' });
      const operation = await this.operations.insert(
        newOperation({ type: 'DeleteTenant', tenantId: tenant.id, tenantName: tenant.name }),
        manager,
      );
      return { operation, created: true };
    });
    // Always (re)dispatch: the job id is the operation id, so a duplicate add is a no-op and
    // a retried DELETE heals an operation whose first enqueue was lost.
    await dispatchAfterCommit(this.dispatcher, result.operation);
    return result;
  }
}
