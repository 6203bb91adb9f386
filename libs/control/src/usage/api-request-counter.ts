import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '../audit/sql-executor';

/** Width of a request-count window; rows are keyed by (workspace, verb, window start). */
export const REQUEST_COUNT_WINDOW_MS = 60_000;

export interface ApiRequestCounterOptions {
  /** Names this process's watch gauges; defaults to a random id per process. */
  instanceId?: string;
  now?: () => number;
}

/**
 * Framework-free request and watch accounting for the Kubernetes API server.
 *
 * - `count(workspaceId, verb)` is an in-memory increment (no I/O on the request path).
 * - `reportOpenWatches(workspaceId, n)` sets this instance's gauge of open watches; report 0 when
 *   the last watch of a workspace closes (the gauge row is then removed at the next flush).
 * - `flush(db)` writes everything in ONE statement: counts are added to
 *   kplane.api_request_counts (upsert, `count = count + excluded.count`), gauges are upserted into
 *   kplane.api_open_watches. If the statement fails the counts are merged back, so nothing is
 *   lost; call it every few seconds (or use start/stop) and once on shutdown.
 *
 * The worker's metering job consumes (deletes) count rows into usage samples, and sums gauges
 * reported recently (a stopped instance's rows go stale and are ignored, then removed).
 */
export class ApiRequestCounter {
  readonly instanceId: string;
  private counts = new Map<string, number>();
  private watches = new Map<string, number>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(options: ApiRequestCounterOptions = {}) {
    this.instanceId = options.instanceId ?? `apiserver-${randomUUID()}`;
    this.now = options.now ?? Date.now;
  }

  count(workspaceId: string, verb: string, n = 1): void {
    const key = `${workspaceId}\u0000${verb.toLowerCase()}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  reportOpenWatches(workspaceId: string, n: number): void {
    this.watches.set(workspaceId, Math.max(0, Math.trunc(n)));
  }

  /** Pending increments, for tests and metrics. */
  pending(): number {
    let total = 0;
    for (const v of this.counts.values()) total += v;
    return total;
  }

  async flush(db: SqlExecutor): Promise<void> {
    if (this.flushing) await this.flushing;
    this.flushing = this.flushOnce(db).finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async flushOnce(db: SqlExecutor): Promise<void> {
    const counts = this.counts;
    const watches = new Map(this.watches);
    if (counts.size === 0 && watches.size === 0) return;
    this.counts = new Map();
    const windowStart = new Date(Math.floor(this.now() / REQUEST_COUNT_WINDOW_MS) * REQUEST_COUNT_WINDOW_MS);
    const ws: string[] = [];
    const verbs: string[] = [];
    const ns: number[] = [];
    for (const [key, n] of counts) {
      const [w, v] = key.split('\u0000') as [string, string];
      ws.push(w);
      verbs.push(v);
      ns.push(n);
    }
    const gaugeWs = [...watches.keys()];
    const gaugeNs = gaugeWs.map((w) => watches.get(w)!);
    try {
      await db.query(
        `/* api_request_counts.flush */ WITH counted AS (
           INSERT INTO kplane.api_request_counts AS c (workspace_id, verb, window_start, count)
           SELECT w, v, $4::timestamptz, n FROM unnest($1::uuid[], $2::text[], $3::bigint[]) AS t(w, v, n)
           ON CONFLICT (workspace_id, verb, window_start) DO UPDATE SET count = c.count + excluded.count
           RETURNING 1
         ), gauged AS (
           INSERT INTO kplane.api_open_watches AS g (instance_id, workspace_id, open_watches, reported_at)
           SELECT $5, w, n, now() FROM unnest($6::uuid[], $7::int[]) AS t(w, n) WHERE n > 0
           ON CONFLICT (instance_id, workspace_id) DO UPDATE SET open_watches = excluded.open_watches, reported_at = now()
           RETURNING 1
         ), closed AS (
           DELETE FROM kplane.api_open_watches WHERE instance_id = $5 AND workspace_id = ANY($8::uuid[]) RETURNING 1
         )
         SELECT (SELECT count(*) FROM counted) AS counted`,
        [ws, verbs, ns, windowStart.toISOString(), this.instanceId, gaugeWs, gaugeNs, gaugeWs.filter((w) => watches.get(w) === 0)],
      );
      // Zero gauges are written (removed) once; positive ones are refreshed on every flush.
      for (const [w, n] of watches) if (n === 0 && this.watches.get(w) === 0) this.watches.delete(w);
    } catch (err) {
      for (const [key, n] of counts) this.counts.set(key, (this.counts.get(key) ?? 0) + n);
      throw err;
    }
  }

  /** Flushes every `intervalMs` (errors go to `onError`; the counts stay buffered). */
  start(db: SqlExecutor, intervalMs = 5000, onError: (err: unknown) => void = () => undefined): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(db).catch(onError), intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and flushes what is left. */
  async stop(db: SqlExecutor): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush(db);
  }
}
