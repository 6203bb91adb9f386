import { AuditEventInput, auditText, MAX_USER_AGENT_LENGTH, sanitizeAuditDetails } from './audit-event';
import { queryRows, SqlExecutor } from './sql-executor';

export interface AuditWriterOptions {
  /** enqueue(): flush when this many events wait (default 100). */
  maxBatch?: number;
  /** enqueue(): flush at least this often (default 200 ms). */
  flushIntervalMs?: number;
  /** enqueue(): drop events beyond this many waiting (Postgres down); counted in `dropped`. */
  maxPending?: number;
  /** Called when a write fails (log it; auditing never fails the caller's request). */
  onError?: (err: unknown, events: number) => void;
}

const COLUMNS = 14;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuidOrNull = (v: string | null | undefined): string | null => (typeof v === 'string' && UUID_RE.test(v) ? v.toLowerCase() : null);

/**
 * Writes kplane.audit_events. Framework-free: give it a pg Pool or a TypeORM DataSource.
 * `record` inserts one event now; `enqueue` batches (for hot paths such as the Kubernetes
 * API) and `flush`/`close` drain the batch. `purgeBefore` implements retention.
 */
export class AuditWriter {
  private pending: AuditEventInput[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Events dropped because too many were waiting. */
  dropped = 0;
  private readonly maxBatch: number;
  private readonly flushIntervalMs: number;
  private readonly maxPending: number;

  constructor(
    private readonly db: SqlExecutor,
    private readonly options: AuditWriterOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 100;
    this.flushIntervalMs = options.flushIntervalMs ?? 200;
    this.maxPending = options.maxPending ?? 10_000;
  }

  /** Inserts one event; rejects when the database does. */
  async record(event: AuditEventInput): Promise<void> {
    await this.insert([event]);
  }

  /** Queues an event for the next batch insert; never throws (errors go to onError). */
  enqueue(event: AuditEventInput): void {
    if (this.pending.length >= this.maxPending) {
      this.dropped++;
      return;
    }
    this.pending.push({ ...event, at: event.at ?? new Date() });
    if (this.pending.length >= this.maxBatch) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushIntervalMs);
      this.timer.unref?.();
    }
  }

  /** Writes everything queued so far. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0, this.pending.length);
    this.flushing = this.flushing.then(async () => {
      for (let i = 0; i < batch.length; i += this.maxBatch) {
        const chunk = batch.slice(i, i + this.maxBatch);
        try {
          await this.insert(chunk);
        } catch (err) {
          this.options.onError?.(err, chunk.length);
        }
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  /** Deletes events older than `before` (retention); returns how many went. Batched to keep locks short. */
  async purgeBefore(before: Date, batchSize = 10_000): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await queryRows<{ n: string }>(
        this.db,
        `/* audit_events.purge */ WITH gone AS (
           DELETE FROM kplane.audit_events WHERE id IN (
             SELECT id FROM kplane.audit_events WHERE at < $1 ORDER BY at LIMIT $2)
           RETURNING 1)
         SELECT count(*)::text AS n FROM gone`,
        [before, batchSize],
      );
      const n = Number(rows[0]?.n ?? 0);
      total += n;
      if (n < batchSize) return total;
    }
  }

  private async insert(events: AuditEventInput[]): Promise<void> {
    if (events.length === 0) return;
    const params: unknown[] = [];
    const tuples = events.map((e, i) => {
      const statusCode = Number.isInteger(e.statusCode) ? e.statusCode : 0;
      params.push(
        e.at ?? null,
        e.actorKind,
        auditText(e.actorId ?? null, 256),
        uuidOrNull(e.tenantId),
        uuidOrNull(e.workspaceId),
        e.source,
        auditText(e.verb, 32) ?? '',
        auditText(e.resource, 256) ?? '',
        auditText(e.name ?? null, 256),
        statusCode,
        e.outcome ?? (statusCode > 0 && statusCode < 400 ? 'success' : 'failure'),
        auditText(e.requestId ?? null, 128),
        auditText(e.userAgent ?? null, MAX_USER_AGENT_LENGTH),
        JSON.stringify(sanitizeAuditDetails(e.details)),
      );
      const base = i * COLUMNS;
      const placeholders = Array.from({ length: COLUMNS }, (_, j) => `$${base + j + 1}`);
      placeholders[0] = `COALESCE(${placeholders[0]}::timestamptz, clock_timestamp())`;
      return `(${placeholders.join(', ')})`;
    });
    await this.db.query(
      `/* audit_events.insert */ INSERT INTO kplane.audit_events
         (at, actor_kind, actor_id, tenant_id, workspace_id, source, verb, resource, name, status_code, outcome, request_id, user_agent, details)
       VALUES ${tuples.join(', ')}`,
      params,
    );
  }
}
