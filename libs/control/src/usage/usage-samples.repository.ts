import { DataSource, EntityManager } from 'typeorm';

export interface UsageSample {
  tenantId: string;
  workspaceId: string;
  workspaceName: string;
  objects: number;
  storageBytes: number;
  byResource: Record<string, number>;
}

export interface FoldedSample extends UsageSample {
  sampledAt: Date;
  apiRequests: Record<string, number>;
  apiRequestsTotal: number;
  openWatches: number;
}

/**
 * The metering job's writes. In one transaction: consume (delete) the request counts of the
 * sampled workspaces, read the fresh watch gauges, insert one sample per workspace. Counts flushed
 * concurrently either land before the DELETE (counted now) or re-create their row (counted next time).
 */
export class UsageSamplesRepository {
  constructor(private readonly ds: DataSource) {}

  async record(samples: UsageSample[], opts: { sampledAt: Date; watchStaleSeconds: number }, within?: (m: EntityManager, folded: FoldedSample[]) => Promise<void>): Promise<FoldedSample[]> {
    return this.ds.transaction(async (m) => {
      const ids = samples.map((s) => s.workspaceId);
      const consumed: { workspace_id: string; verb: string; n: string }[] = await m
        .query(
          `/* api_request_counts.consume */ WITH d AS (DELETE FROM kplane.api_request_counts WHERE workspace_id = ANY($1::uuid[]) RETURNING workspace_id, verb, count)
           SELECT workspace_id, verb, sum(count) AS n FROM d GROUP BY 1, 2`,
          [ids],
        );
      // Counts of workspaces that no longer exist are dropped.
      await m.query(
        `/* api_request_counts.drop_orphans */ DELETE FROM kplane.api_request_counts c WHERE NOT EXISTS (SELECT 1 FROM kplane.workspaces w WHERE w.id = c.workspace_id)`,
      );
      const gauges: { workspace_id: string; n: string }[] = await m.query(
        `/* api_open_watches.read */ SELECT workspace_id, sum(open_watches) AS n FROM kplane.api_open_watches
          WHERE workspace_id = ANY($1::uuid[]) AND reported_at > now() - make_interval(secs => $2) GROUP BY 1`,
        [ids, opts.watchStaleSeconds],
      );
      await m.query(`/* api_open_watches.prune */ DELETE FROM kplane.api_open_watches WHERE reported_at < now() - make_interval(secs => $1)`, [opts.watchStaleSeconds * 10]);
      const verbs = new Map<string, Record<string, number>>();
      for (const c of consumed) {
        const v = verbs.get(c.workspace_id) ?? {};
        v[c.verb] = Number(c.n);
        verbs.set(c.workspace_id, v);
      }
      const watches = new Map(gauges.map((g) => [g.workspace_id, Number(g.n)]));
      const folded: FoldedSample[] = samples.map((s) => {
        const apiRequests = verbs.get(s.workspaceId) ?? {};
        return {
          ...s,
          sampledAt: opts.sampledAt,
          apiRequests,
          apiRequestsTotal: Object.values(apiRequests).reduce((a, b) => a + b, 0),
          openWatches: watches.get(s.workspaceId) ?? 0,
        };
      });
      if (folded.length) {
        await m.query(
          `/* usage_samples.insert */ INSERT INTO kplane.usage_samples
             (tenant_id, workspace_id, workspace_name, sampled_at, objects, storage_bytes, api_requests, api_requests_total, open_watches, by_resource)
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::bigint[], $6::bigint[], $7::jsonb[], $8::bigint[], $9::int[], $10::jsonb[])`,
          [
            folded.map((f) => f.tenantId),
            folded.map((f) => f.workspaceId),
            folded.map((f) => f.workspaceName),
            folded.map((f) => f.sampledAt.toISOString()),
            folded.map((f) => f.objects),
            folded.map((f) => f.storageBytes),
            folded.map((f) => JSON.stringify(f.apiRequests)),
            folded.map((f) => f.apiRequestsTotal),
            folded.map((f) => f.openWatches),
            folded.map((f) => JSON.stringify(f.byResource)),
          ],
        );
      }
      if (within) await within(m, folded);
      return folded;
    });
  }

  /** Workspaces that hold data: the ones metered. */
  async meteredWorkspaces(): Promise<{ id: string; tenantId: string; name: string; tenantName: string }[]> {
    const rows: { id: string; tenant_id: string; name: string; tenant_name: string }[] = await this.ds.query(
      `/* workspaces.metered */ SELECT w.id, w.tenant_id, w.name, t.name AS tenant_name FROM kplane.workspaces w JOIN kplane.tenants t ON t.id = w.tenant_id
        WHERE w.phase IN ('Ready', 'Suspended') ORDER BY w.id`,
    );
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, name: r.name, tenantName: r.tenant_name }));
  }
}
