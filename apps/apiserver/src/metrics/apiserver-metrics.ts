import { createMetricsRegistry } from '@kplane/observability';
import type { WriteGateStats } from '@kplane/store';
import type { Pool } from 'pg';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of the Kubernetes endpoint. Labels never carry workspace, tenant or
 * custom-resource names, so cardinality does not grow with customers (per-tenant figures
 * belong to the usage API).
 */
export class ApiserverMetrics {
  readonly registry: Registry;
  private readonly requests: Counter<'verb' | 'group' | 'code'>;
  private readonly latency: Histogram<'verb'>;
  readonly openWatches: Gauge;

  constructor(pools: () => Pool[], openWatches: () => number, writeGate: () => WriteGateStats) {
    this.registry = createMetricsRegistry('apiserver');
    this.requests = new Counter({
      name: 'kplane_apiserver_requests_total',
      help: 'Kubernetes API requests by verb, API group (built-in groups only) and status code',
      labelNames: ['verb', 'group', 'code'],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: 'kplane_apiserver_request_duration_seconds',
      help: 'Kubernetes API request latency by verb (watches excluded)',
      labelNames: ['verb'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.openWatches = new Gauge({
      name: 'kplane_apiserver_open_watches',
      help: 'Watch streams open on this replica',
      registers: [this.registry],
      collect() {
        this.set(openWatches());
      },
    });
    new Gauge({
      name: 'kplane_storage_pool_connections',
      help: 'Connections of the shard pools by state',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const all = pools();
        this.set({ state: 'total' }, all.reduce((n, p) => n + p.totalCount, 0));
        this.set({ state: 'idle' }, all.reduce((n, p) => n + p.idleCount, 0));
        this.set({ state: 'waiting' }, all.reduce((n, p) => n + p.waitingCount, 0));
      },
    });
    const gateCounter = (name: string, help: string, read: (s: WriteGateStats) => number) => {
      let reported = 0;
      new Counter({
        name,
        help,
        registers: [this.registry],
        collect() {
          const now = read(writeGate());
          this.inc(now - reported);
          reported = now;
        },
      });
    };
    gateCounter('kplane_apiserver_write_batches_total', 'Write transactions that committed several waiting writes together (of one workspace or several)', (s) => s.batches);
    gateCounter('kplane_apiserver_batched_writes_total', 'Writes committed in those transactions', (s) => s.batchedWrites);
    gateCounter(
      'kplane_apiserver_write_batches_split_total',
      'Write transactions refused as a whole, whose writes were then tried again in smaller ones',
      (s) => s.batchesSplit,
    );
  }

  observe(verb: string, group: string, code: number, seconds: number): void {
    this.requests.inc({ verb, group, code: String(code) });
    if (verb !== 'watch') this.latency.observe({ verb }, seconds);
  }
}

/** Built-in groups keep their name; every tenant-defined group is folded into one label value. */
export function groupLabel(group: string | undefined, builtinGroups: ReadonlySet<string>): string {
  if (group === undefined) return 'none';
  if (group === '') return 'core';
  return builtinGroups.has(group) ? group : 'custom';
}
