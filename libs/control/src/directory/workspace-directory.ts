import { DataSource } from 'typeorm';
import { hashToken } from '../credentials/secret-box';
import { WorkspacePhase } from '../workspaces/workspace.entity';
import { WorkspaceQuota, workspaceQuotaOf } from '../quotas/workspace-quota';

/**
 * NOTIFYed with a workspace id whenever a change can close that workspace's door: a token
 * revoked or deleted, a phase or shard change, the workspace deleted (triggers, migration
 * 1732800000000).
 */
export const DIRECTORY_CHANNEL = 'kplane_directory';

export interface WorkspaceAccess {
  workspaceId: string;
  tenantId: string;
  phase: WorkspacePhase;
  shard: string;
}

/**
 * The one read-only port the API server has into the control schema: which workspace does
 * a bearer token open? Lookup is by SHA-256 hash, so the token itself is never compared
 * or stored, and timing reveals nothing about stored tokens.
 */
export class WorkspaceDirectory {
  constructor(private readonly ds: DataSource) {}

  async resolveToken(token: string): Promise<WorkspaceAccess | null> {
    return this.resolveTokenHash(hashToken(token));
  }

  /** By the token's SHA-256 (hashToken), for callers that key a cache by it. */
  async resolveTokenHash(tokenHash: string): Promise<WorkspaceAccess | null> {
    const rows = await this.ds.query(
      `SELECT w.id, w.tenant_id, w.phase, w.shard
         FROM kplane.credentials c JOIN kplane.workspaces w ON w.id = c.workspace_id
        WHERE c.token_hash = $1 AND c.revoked_at IS NULL`,
      [tokenHash],
    );
    if (!rows[0]) return null;
    return { workspaceId: rows[0].id, tenantId: rows[0].tenant_id, phase: rows[0].phase, shard: rows[0].shard };
  }

  /** Phase and shard of a workspace by id (for tokens that name their workspace themselves). */
  async resolveWorkspace(workspaceId: string): Promise<WorkspaceAccess | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(workspaceId)) return null;
    const rows = await this.ds.query(`SELECT id, tenant_id, phase, shard FROM kplane.workspaces WHERE id = $1`, [workspaceId]);
    if (!rows[0]) return null;
    return { workspaceId: rows[0].id, tenantId: rows[0].tenant_id, phase: rows[0].phase, shard: rows[0].shard };
  }

  /**
   * The per-workspace limits of the tenant owning a workspace (null: no such workspace). Cheap
   * (PK lookups); the API server caches it for a few seconds (WorkspaceQuotaCache).
   */
  async quotaFor(workspaceId: string): Promise<WorkspaceQuota | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(workspaceId)) return null;
    const rows = await this.ds.query(
      `SELECT t.quota FROM kplane.workspaces w JOIN kplane.tenants t ON t.id = w.tenant_id WHERE w.id = $1`,
      [workspaceId],
    );
    if (!rows[0]) return null;
    return workspaceQuotaOf(rows[0].quota);
  }
}
