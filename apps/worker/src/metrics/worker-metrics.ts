import { createMetricsRegistry } from '@kplane/observability';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type JobOutcome = 'completed' | 'failed' | 'retry' | 'delayed';

/** Every metric the worker exports, on one registry (`app="worker"`). */
export class WorkerMetrics {
  readonly registry: Registry = createMetricsRegistry('worker');

  readonly jobs = new Counter({
    name: 'kplane_worker_jobs_total',
    help: 'Jobs processed, by queue, job name and outcome (completed, failed, retry, delayed)',
    labelNames: ['queue', 'name', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'kplane_worker_job_duration_seconds',
    help: 'Wall time of one job attempt',
    labelNames: ['queue', 'name'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });

  readonly queueDepth = new Gauge({
    name: 'kplane_queue_jobs',
    help: 'Jobs in each queue by state, read from Redis at scrape time',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  readonly sweptOperations = new Counter({
    name: 'kplane_sweeper_requeued_operations_total',
    help: 'Operations the sweeper enqueued again because Redis had no live job for them',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly orphanSchemas = gauge(this.registry, 'kplane_reconcile_orphan_schemas', 'Workspace schemas on the shard with no workspace (last reconciliation)');
  readonly orphanRoles = gauge(this.registry, 'kplane_reconcile_orphan_roles', "Roles of this database's former workspaces with no workspace (last reconciliation)");
  readonly missingSchemas = gauge(this.registry, 'kplane_reconcile_missing_schemas', 'Ready or Suspended workspaces whose schema or role is missing (last reconciliation)');
  readonly orphanCredentials = gauge(this.registry, 'kplane_reconcile_orphan_credentials', 'Workspaces gone whose credentials remained (last reconciliation)');
  readonly outdatedSchemas = gauge(this.registry, 'kplane_reconcile_outdated_schemas', 'Ready or Suspended workspaces whose schema was built at an older version (last reconciliation)');
  readonly deferredOrphans = gauge(this.registry, 'kplane_reconcile_deferred_orphans', 'Orphan candidates left alone: an operation in flight or within the grace period');
  readonly spareWorkspaces = gauge(this.registry, 'kplane_spare_workspaces', 'Ready spares in the warm pool (last top-up)');
  readonly lastReconcile = gauge(this.registry, 'kplane_reconcile_last_run_timestamp_seconds', 'When reconciliation last completed');

  readonly repairs = new Counter({
    name: 'kplane_reconcile_repairs_total',
    help: 'Repairs made by reconciliation, by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Times one job attempt and counts its outcome; `classify` maps a thrown error to an outcome. */
  async track<T>(queue: string, name: string, fn: () => Promise<T>, classify: (err: unknown) => JobOutcome = () => 'failed'): Promise<T> {
    const end = this.jobDuration.startTimer({ queue, name });
    try {
      const result = await fn();
      this.jobs.inc({ queue, name, outcome: 'completed' });
      return result;
    } catch (err) {
      this.jobs.inc({ queue, name, outcome: classify(err) });
      throw err;
    } finally {
      end();
    }
  }
}

function gauge(registry: Registry, name: string, help: string): Gauge {
  return new Gauge({ name, help, registers: [registry] });
}
