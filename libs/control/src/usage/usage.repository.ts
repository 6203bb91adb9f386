import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface WorkspaceUsageRow {
  tenantId: string;
  workspaceId: string;
  workspace: string;
  objects: number;
  storageBytes: number;
  openWatches: number;
  byResource: Record<string, number>;
  lastSampledAt: Date;
  apiRequests: number;
  apiRequestsByVerb: Record<string, number>;
}

interface Row {
  tenant_id: string;
  workspace_id: string;
  workspace_name: string;
  objects: string;
  storage_bytes: string;
  open_watches: number;
  by_resource: Record<string, number>;
  sampled_at: Date;
  api_requests_total: string;
}

/** Reads kplane.usage_samples (written by the worker's metering job); never scans workspaces. */
@Injectable()
export class UsageRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Per workspace of the given tenants: the latest sample in [from, to) and request sums over it. */
  async byWorkspace(tenantIds: string[], from: Date, to: Date): Promise<WorkspaceUsageRow[]> {
    if (tenantIds.length === 0) return [];
    const rows: Row[] = await this.dataSource.query(
      `/* usage.by_workspace */ WITH s AS (
         SELECT * FROM kplane.usage_samples WHERE tenant_id = ANY($1::uuid[]) AND sampled_at >= $2 AND sampled_at < $3
       ), latest AS (
         SELECT DISTINCT ON (workspace_id) tenant_id, workspace_id, workspace_name, objects, storage_bytes, open_watches, by_resource, sampled_at
           FROM s ORDER BY workspace_id, sampled_at DESC, id DESC
       ), sums AS (
         SELECT workspace_id, sum(api_requests_total) AS api_requests_total FROM s GROUP BY workspace_id
       )
       SELECT l.*, sums.api_requests_total FROM latest l JOIN sums USING (workspace_id) ORDER BY l.workspace_name, l.workspace_id`,
      [tenantIds, from.toISOString(), to.toISOString()],
    );
    const verbs: { workspace_id: string; verb: string; n: string }[] = await this.dataSource.query(
      `/* usage.by_verb */ SELECT s.workspace_id, v.key AS verb, sum(v.value::bigint) AS n
         FROM kplane.usage_samples s, jsonb_each_text(s.api_requests) v
        WHERE s.tenant_id = ANY($1::uuid[]) AND s.sampled_at >= $2 AND s.sampled_at < $3
        GROUP BY 1, 2`,
      [tenantIds, from.toISOString(), to.toISOString()],
    );
    const byVerb = new Map<string, Record<string, number>>();
    for (const v of verbs) {
      const m = byVerb.get(v.workspace_id) ?? {};
      m[v.verb] = Number(v.n);
      byVerb.set(v.workspace_id, m);
    }
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      workspaceId: r.workspace_id,
      workspace: r.workspace_name,
      objects: Number(r.objects),
      storageBytes: Number(r.storage_bytes),
      openWatches: r.open_watches,
      byResource: r.by_resource ?? {},
      lastSampledAt: r.sampled_at,
      apiRequests: Number(r.api_requests_total),
      apiRequestsByVerb: byVerb.get(r.workspace_id) ?? {},
    }));
  }
}
