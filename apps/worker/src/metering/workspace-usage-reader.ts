import { WorkspaceStore, workspaceSchemaName } from '@kplane/store';
import { Pool } from 'pg';

export interface WorkspaceFigures {
  objects: number;
  storageBytes: number;
  byResource: Record<string, number>;
}

/** The optional per-workspace counters of libs/store (added with quota enforcement). */
interface StoreWithCounters {
  usage?: () => Promise<{ objects: number | string; storageBytes: number | string }>;
  countsByResource?: () => Promise<unknown>;
}

function toRecord(counts: unknown): Record<string, number> {
  if (counts instanceof Map) return Object.fromEntries([...counts].map(([k, v]) => [String(k), Number(v)]));
  if (Array.isArray(counts)) {
    const out: Record<string, number> = {};
    for (const c of counts as { resource?: string; count?: number | string; objects?: number | string }[]) {
      if (c && typeof c.resource === 'string') out[c.resource] = Number(c.count ?? c.objects ?? 0);
    }
    return out;
  }
  if (counts && typeof counts === 'object') return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)]));
  return {};
}

/**
 * A workspace's object count, per-resource counts and storage. Uses the store's counters when it
 * has them (`usage()`, `countsByResource()`); otherwise the total comes from `countObjects()`,
 * storage from the catalog sizes of the workspace schema's relations, per-resource counts are empty.
 */
export class WorkspaceUsageReader {
  constructor(
    private readonly pool: Pool,
    private readonly storeFor: (workspaceId: string) => WorkspaceStore = (id) => new WorkspaceStore(pool, id),
  ) {}

  async read(workspaceId: string): Promise<WorkspaceFigures> {
    const store = this.storeFor(workspaceId);
    const counters = store as unknown as StoreWithCounters;
    const byResource = typeof counters.countsByResource === 'function' ? toRecord(await counters.countsByResource.call(store)) : {};
    if (typeof counters.usage === 'function') {
      const u = await counters.usage.call(store);
      return { objects: Number(u.objects), storageBytes: Number(u.storageBytes), byResource };
    }
    const [objects, storageBytes] = await Promise.all([store.countObjects(), this.schemaBytes(workspaceId)]);
    return { objects, storageBytes, byResource };
  }

  /** Catalog only (no workspace data is read): the on-disk size of the schema's tables and indexes. */
  private async schemaBytes(workspaceId: string): Promise<number> {
    const { rows } = await this.pool.query<{ bytes: string | null }>(
      `/* usage.schema_bytes */ SELECT sum(pg_total_relation_size(c.oid)) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'm')`,
      [workspaceSchemaName(workspaceId)],
    );
    return Number(rows[0]?.bytes ?? 0);
  }
}
