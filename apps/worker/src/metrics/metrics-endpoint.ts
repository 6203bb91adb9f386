import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MAINTENANCE_QUEUE, WORKSPACE_LIFECYCLE_QUEUE } from '@kplane/queue';
import { Queue } from 'bullmq';
import type { Server } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import { WORKER_CONFIG, WorkerConfig } from '../worker-config';
import { startMetricsServer } from './metrics-server';
import { WorkerMetrics } from './worker-metrics';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'] as const;

/** Serves /metrics and /healthz on KPLANE_WORKER_METRICS_PORT (0: off). A port in use is logged, not fatal. */
@Injectable()
export class MetricsEndpoint implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | null = null;
  private stopping = false;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly metrics: WorkerMetrics,
    @InjectQueue(WORKSPACE_LIFECYCLE_QUEUE) private readonly lifecycle: Queue,
    @InjectQueue(MAINTENANCE_QUEUE) private readonly maintenance: Queue,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('MetricsEndpoint');
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.metricsPort === 0) return;
    try {
      this.server = await startMetricsServer({
        port: this.config.metricsPort,
        registry: this.metrics.registry,
        beforeScrape: () => this.readQueueDepths(),
        healthy: () => !this.stopping,
      });
    } catch (err) {
      this.logger.warn({ port: this.config.metricsPort, err: (err as Error).message }, 'metrics endpoint not started');
    }
  }

  beginShutdown(): void {
    this.stopping = true;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const server = this.server;
    this.server = null;
    if (!server) return;
    const closed = new Promise<void>((done) => server.close(() => done()));
    server.closeAllConnections();
    await closed;
  }

  private async readQueueDepths(): Promise<void> {
    for (const queue of [this.lifecycle, this.maintenance]) {
      const counts = await queue.getJobCounts(...STATES);
      for (const state of STATES) this.metrics.queueDepth.set({ queue: queue.name, state }, counts[state] ?? 0);
    }
  }
}
