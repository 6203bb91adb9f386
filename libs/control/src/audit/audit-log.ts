import { decodeCursor, encodeCursor, Page, PageRequest, pageLimit } from '../pagination/cursor';
import { QueryError } from '../pagination/pagination.errors';
import { Principal } from '../tenants/principal';
import { TenantError } from '../tenants/tenants.errors';
import { AuditActorKind, AuditEvent, AuditOutcome, AuditSource } from './audit-event';
import { AuditError } from './audit.errors';
import { queryRows, SqlExecutor } from './sql-executor';

export interface AuditFilter extends PageRequest {
  /** Tenant id or name. */
  tenant?: string;
  /** Workspace id, or a name together with `tenant`. */
  workspace?: string;
  source?: AuditSource;
  /** 'admin', an API key id, or a Kubernetes username. */
  actor?: string;
  outcome?: AuditOutcome;
  from?: Date;
  to?: Date;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A UUID that matches nothing, for names that resolve to no record. */
const NO_ID = '00000000-0000-0000-0000-000000000000';

interface Row {
  id: string;
  at: Date;
  at_key: string;
  actor_kind: AuditActorKind;
  actor_id: string | null;
  tenant_id: string | null;
  workspace_id: string | null;
  source: AuditSource;
  verb: string;
  resource: string;
  name: string | null;
  status_code: number;
  outcome: AuditOutcome;
  request_id: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
}

/** Read side of kplane.audit_events (admin only), newest first with a keyset cursor. Framework-free. */
export class AuditLog {
  constructor(private readonly db: SqlExecutor) {}

  async list(principal: Principal, filter: AuditFilter): Promise<Page<AuditEvent>> {
    if (principal.kind !== 'admin') throw new TenantError('ADMIN_ONLY', 'only the admin may read the audit log');
    const limit = pageLimit(filter);
    for (const field of ['from', 'to'] as const) {
      const value = filter[field];
      if (value !== undefined && Number.isNaN(value.getTime())) {
        throw new AuditError('AUDIT_FILTER_INVALID', `"${field}" is not a valid date-time`, [{ field, message: `${field} must be an RFC 3339 date-time` }]);
      }
    }
    if (filter.from && filter.to && filter.from > filter.to) {
      throw new AuditError('AUDIT_FILTER_INVALID', '"from" is after "to"', [{ field: 'from', message: 'from must not be after to' }]);
    }
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    let tenantId: string | undefined;
    if (filter.tenant !== undefined) {
      tenantId = UUID_RE.test(filter.tenant) ? filter.tenant.toLowerCase() : await this.tenantIdByName(filter.tenant);
      add((p) => `tenant_id = ${p}`, tenantId);
    }
    if (filter.workspace !== undefined) {
      let workspaceId: string;
      if (UUID_RE.test(filter.workspace)) workspaceId = filter.workspace.toLowerCase();
      else if (tenantId !== undefined) workspaceId = await this.workspaceIdByName(tenantId, filter.workspace);
      else throw new AuditError('AUDIT_FILTER_INVALID', 'a workspace name needs the tenant filter too (or give the workspace id)', [{ field: 'workspace', message: 'workspace by name needs tenant' }]);
      add((p) => `workspace_id = ${p}`, workspaceId);
    }
    if (filter.source !== undefined) add((p) => `source = ${p}`, filter.source);
    if (filter.outcome !== undefined) add((p) => `outcome = ${p}`, filter.outcome);
    if (filter.actor !== undefined) add((p) => `actor_id = ${p}`, filter.actor);
    if (filter.from !== undefined) add((p) => `at >= ${p}`, filter.from);
    if (filter.to !== undefined) add((p) => `at < ${p}`, filter.to);
    if (filter.cursor) {
      const [at, id] = decodeCursor(filter.cursor, 2) as [string, string];
      if (!UUID_RE.test(id) || Number.isNaN(Date.parse(at))) throw new QueryError('INVALID_CURSOR', 'cursor is not one this API issued');
      params.push(at, id);
      where.push(`(at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const rows = await queryRows<Row>(
      this.db,
      `/* audit_events.list */ SELECT id, at, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_key,
              actor_kind, actor_id, tenant_id, workspace_id, source, verb, resource, name, status_code, outcome,
              request_id, user_agent, details
         FROM kplane.audit_events
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY at DESC, id DESC
        LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toEvent),
      nextCursor: rows.length > limit && last ? encodeCursor([last.at_key, last.id]) : null,
    };
  }

  private async tenantIdByName(name: string): Promise<string> {
    const rows = await queryRows<{ id: string }>(this.db, `/* audit.tenant_by_name */ SELECT id FROM kplane.tenants WHERE name = $1`, [name]);
    return rows[0]?.id ?? NO_ID;
  }

  private async workspaceIdByName(tenantId: string, name: string): Promise<string> {
    const rows = await queryRows<{ id: string }>(
      this.db,
      `/* audit.workspace_by_name */ SELECT id FROM kplane.workspaces WHERE tenant_id = $1 AND name = $2`,
      [tenantId, name],
    );
    return rows[0]?.id ?? NO_ID;
  }
}

function toEvent(r: Row): AuditEvent {
  return {
    id: r.id,
    at: r.at,
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    tenantId: r.tenant_id,
    workspaceId: r.workspace_id,
    source: r.source,
    verb: r.verb,
    resource: r.resource,
    name: r.name,
    statusCode: r.status_code,
    outcome: r.outcome,
    requestId: r.request_id,
    userAgent: r.user_agent,
    details: r.details ?? {},
  };
}
