import { Injectable } from '@nestjs/common';
import { decodeCursor, Page, PageRequest, pageLimit, toPage } from '../pagination/cursor';
import { canSeeTenant, Principal } from '../tenants/principal';
import { TenantError } from '../tenants/tenants.errors';
import { TenantsRepository } from '../tenants/tenants.repository';
import { DataSource } from 'typeorm';
import { usagePeriod } from './usage-period';
import { UsageRepository, WorkspaceUsageRow } from './usage.repository';

export interface TenantUsage {
  tenantId: string;
  tenant: string;
  from: Date;
  to: Date;
  workspaces: number;
  objects: number;
  storageBytes: number;
  apiRequests: number;
  openWatches: number;
  byWorkspace: WorkspaceUsageRow[];
}

export interface UsageQuery {
  from?: string;
  to?: string;
}

function summarize(tenant: { id: string; name: string }, from: Date, to: Date, rows: WorkspaceUsageRow[]): TenantUsage {
  const sum = (f: (r: WorkspaceUsageRow) => number) => rows.reduce((a, r) => a + f(r), 0);
  return {
    tenantId: tenant.id,
    tenant: tenant.name,
    from,
    to,
    workspaces: rows.length,
    objects: sum((r) => r.objects),
    storageBytes: sum((r) => r.storageBytes),
    apiRequests: sum((r) => r.apiRequests),
    openWatches: sum((r) => r.openWatches),
    byWorkspace: rows,
  };
}

/** Usage figures for a period, answered from usage samples only. */
@Injectable()
export class UsageService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly usage: UsageRepository,
    private readonly dataSource: DataSource,
  ) {}

  async forTenant(principal: Principal, tenantName: string, query: UsageQuery): Promise<TenantUsage> {
    const { from, to } = usagePeriod(query.from, query.to);
    const tenant = await this.tenants.findByName(tenantName);
    if (!tenant || !canSeeTenant(principal, tenant.id)) throw TenantError.notFound(tenantName);
    return summarize(tenant, from, to, await this.usage.byWorkspace([tenant.id], from, to));
  }

  /** Admin only: every tenant's usage, a page of tenants by name. */
  async forAllTenants(principal: Principal, query: UsageQuery & PageRequest): Promise<Page<TenantUsage>> {
    if (principal.kind !== 'admin') throw new TenantError('ADMIN_ONLY', 'only the admin may read the usage of all tenants');
    const { from, to } = usagePeriod(query.from, query.to);
    const limit = pageLimit(query);
    const afterName = query.cursor ? decodeCursor(query.cursor, 1)[0] : undefined;
    const tenants: { id: string; name: string }[] = await this.dataSource.query(
      `/* usage.tenants_page */ SELECT id, name FROM kplane.tenants WHERE ($1::text IS NULL OR name > $1) ORDER BY name LIMIT $2`,
      [afterName ?? null, limit + 1],
    );
    const page = toPage(tenants, limit, (t) => [t.name]);
    const rows = await this.usage.byWorkspace(page.items.map((t) => t.id), from, to);
    return {
      items: page.items.map((t) => summarize(t, from, to, rows.filter((r) => r.tenantId === t.id))),
      nextCursor: page.nextCursor,
    };
  }
}
