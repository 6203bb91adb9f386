import { Injectable, Logger } from '@nestjs/common';
import { AuditActorKind, AuditWriter, Principal } from '@kplane/control';
import type { NextFunction, Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { AuthenticatedRequest } from '../http/auth.guard';

const AUDITED_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const CREATE_ROUTES = new Set(['/v1/tenants', '/v1/tenants/:tenant/workspaces', '/v1/tenants/:tenant/api-keys']);

/** Set by the problem filter and controllers; read when the response finishes. */
export interface AuditLocals {
  auditErrorCode?: string;
  auditDetails?: Record<string, unknown>;
}

const pickString = (value: unknown, max = 253): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value.slice(0, max) : undefined;

/**
 * Writes one audit event for every POST/PUT/PATCH/DELETE on the management API once its
 * response is sent, success or failure (including 401, 413, 415 and 429 answered before any
 * controller). It records the route template, names from the path (and the `name` of a
 * created resource), never a body or a header other than the (trimmed) user agent.
 */
@Injectable()
export class AuditRecorder {
  private readonly logger = new Logger('Audit');
  readonly writer: AuditWriter;
  private failing = false;
  private inFlight = new Set<Promise<void>>();

  constructor(private readonly dataSource: DataSource) {
    this.writer = new AuditWriter(dataSource);
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      if (AUDITED_METHODS.has(req.method)) {
        res.once('finish', () => {
          const p = this.record(req as AuthenticatedRequest, res).finally(() => this.inFlight.delete(p));
          this.inFlight.add(p);
        });
      }
      next();
    };
  }

  /** Waits for audit writes already started (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async record(req: AuthenticatedRequest, res: Response): Promise<void> {
    try {
      const routePath = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof routePath === 'string' ? (req.baseUrl ?? '') + routePath : 'unmatched';
      const params = (req.params ?? {}) as Record<string, unknown>;
      const body: unknown = req.body;
      const bodyName = body && typeof body === 'object' && !Array.isArray(body) ? pickString((body as { name?: unknown }).name) : undefined;
      const creates = req.method === 'POST' && CREATE_ROUTES.has(route);
      const tenantName = pickString(params.tenant) ?? (creates && route === '/v1/tenants' ? bodyName : undefined);
      const workspaceName = pickString(params.workspace) ?? (creates && route === '/v1/tenants/:tenant/workspaces' ? bodyName : undefined);
      const name = pickString(params.id) ?? (creates ? bodyName : undefined) ?? workspaceName ?? tenantName;
      const principal = req.principal;
      const ids = await this.resolveIds(principal, tenantName, workspaceName);
      const locals = res.locals as AuditLocals;
      const details: Record<string, unknown> = { ...(locals.auditDetails ?? {}) };
      if (tenantName) details.tenant = tenantName;
      if (workspaceName) details.workspace = workspaceName;
      if (route === 'unmatched') details.path = (req.originalUrl ?? '').split('?')[0]?.slice(0, 256);
      if (locals.auditErrorCode) details.errorCode = locals.auditErrorCode;
      if (principal?.kind === 'tenant') details.actorTenantId = principal.tenantId;
      const requestId = (req as { id?: unknown }).id;
      await this.writer.record({
        actorKind: actorKind(principal),
        actorId: principal ? (principal.kind === 'admin' ? 'admin' : principal.apiKeyId) : null,
        tenantId: ids.tenantId,
        workspaceId: ids.workspaceId,
        source: 'management',
        verb: req.method,
        resource: route,
        name,
        statusCode: res.statusCode,
        requestId: typeof requestId === 'string' ? requestId : null,
        userAgent: pickString(req.headers['user-agent'], 256) ?? null,
        details,
      });
      if (this.failing) {
        this.failing = false;
        this.logger.log('audit events are being recorded again');
      }
    } catch (err) {
      if (!this.failing) {
        this.failing = true;
        this.logger.error({ err: (err as Error).message }, 'could not record an audit event');
      }
    }
  }

  private async resolveIds(principal: Principal | undefined, tenantName?: string, workspaceName?: string): Promise<{ tenantId: string | null; workspaceId: string | null }> {
    let tenantId: string | null = null;
    let workspaceId: string | null = null;
    if (tenantName && /^[a-z0-9-]{1,63}$/.test(tenantName)) {
      const rows: { tenant_id: string; workspace_id: string | null }[] = await this.dataSource.query(
        `/* audit.resolve_ids */ SELECT t.id AS tenant_id, w.id AS workspace_id
           FROM kplane.tenants t LEFT JOIN kplane.workspaces w ON w.tenant_id = t.id AND w.name = $2
          WHERE t.name = $1`,
        [tenantName, workspaceName ?? null],
      );
      tenantId = rows[0]?.tenant_id ?? null;
      workspaceId = rows[0]?.workspace_id ?? null;
    }
    if (!tenantId && principal?.kind === 'tenant') tenantId = principal.tenantId;
    return { tenantId, workspaceId };
  }
}

function actorKind(principal: Principal | undefined): AuditActorKind {
  if (!principal) return 'anonymous';
  return principal.kind === 'admin' ? 'admin' : 'api-key';
}
