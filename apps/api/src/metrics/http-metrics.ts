import { Injectable } from '@nestjs/common';
import { createMetricsRegistry } from '@kplane/observability';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, Registry } from 'prom-client';

/**
 * Request count and latency by method, route template and status. Labels never carry
 * tenant or workspace names: the route template (`/v1/tenants/:tenant`) keeps them bounded.
 */
@Injectable()
export class HttpMetrics {
  readonly registry: Registry = createMetricsRegistry('api');
  private readonly requests = new Counter({
    name: 'kplane_api_http_requests_total',
    help: 'HTTP requests handled by the management API',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'kplane_api_http_request_duration_seconds',
    help: 'Latency of management API requests',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
    registers: [this.registry],
  });

  /** Express middleware: observes each response when it finishes. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        const routePath = (req.route as { path?: unknown } | undefined)?.path;
        const route = typeof routePath === 'string' ? (req.baseUrl ?? '') + routePath : 'unmatched';
        const labels = { method: req.method, route, status: String(res.statusCode) };
        this.requests.inc(labels);
        this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      });
      next();
    };
  }
}
