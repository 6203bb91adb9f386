import { emitEvent, hasSubscribers, UsageSample, UsageSamplesRepository } from '@kplane/control';
import { DataSource } from 'typeorm';
import { WorkspaceFigures, WorkspaceUsageReader } from './workspace-usage-reader';

export interface MeterResult {
  sampled: number;
  failed: { workspaceId: string; error: string }[];
  events: number;
}

const PARALLEL_READS = 4;

/**
 * One metering run: read every Ready/Suspended workspace's figures (a few at a time; a workspace
 * that fails is reported and skipped, its request counts wait for the next run), then fold the
 * API servers' request counts and watch gauges in and write the samples in one transaction,
 * with a usage.sampled event per tenant that has a subscriber.
 */
export class UsageMeter {
  constructor(
    private readonly ds: DataSource,
    private readonly reader: WorkspaceUsageReader,
    private readonly options: { watchStaleSeconds: number },
  ) {}

  async run(now: Date = new Date()): Promise<MeterResult> {
    const repo = new UsageSamplesRepository(this.ds);
    const workspaces = await repo.meteredWorkspaces();
    const samples: UsageSample[] = [];
    const failed: MeterResult['failed'] = [];
    const tenantNames = new Map<string, string>();
    for (let i = 0; i < workspaces.length; i += PARALLEL_READS) {
      const chunk = workspaces.slice(i, i + PARALLEL_READS);
      const figures = await Promise.allSettled(chunk.map((w) => this.reader.read(w.id)));
      figures.forEach((f, j) => {
        const w = chunk[j]!;
        tenantNames.set(w.tenantId, w.tenantName);
        if (f.status === 'fulfilled') samples.push({ tenantId: w.tenantId, workspaceId: w.id, workspaceName: w.name, ...(f.value as WorkspaceFigures) });
        else failed.push({ workspaceId: w.id, error: (f.reason as Error)?.message ?? String(f.reason) });
      });
    }
    let events = 0;
    await repo.record(samples, { sampledAt: now, watchStaleSeconds: this.options.watchStaleSeconds }, async (m, folded) => {
      const byTenant = new Map<string, typeof folded>();
      for (const f of folded) byTenant.set(f.tenantId, [...(byTenant.get(f.tenantId) ?? []), f]);
      for (const [tenantId, rows] of byTenant) {
        if (!(await hasSubscribers(m, 'usage.sampled', tenantId))) continue;
        const tenant = tenantNames.get(tenantId) ?? tenantId;
        const id = await emitEvent(m, {
          type: 'usage.sampled',
          tenantId,
          subject: `tenants/${tenant}`,
          time: now,
          dedupeKey: `usage:${tenantId}:${now.toISOString()}`,
          data: {
            tenant: { id: tenantId, name: tenant },
            sampledAt: now.toISOString(),
            workspaces: rows.map((r) => ({
              id: r.workspaceId,
              name: r.workspaceName,
              objects: r.objects,
              storageBytes: r.storageBytes,
              apiRequests: r.apiRequests,
              openWatches: r.openWatches,
            })),
          },
        });
        if (id) events++;
      }
    });
    return { sampled: samples.length, failed, events };
  }
}
