import { createServer, Server } from 'node:http';
import type { Registry } from 'prom-client';

/**
 * The worker's only HTTP surface: GET /metrics (Prometheus text) and GET /healthz. Scrapes first
 * run `beforeScrape` (queue depths from Redis), bounded so a Redis outage cannot hang a scrape.
 */
export async function startMetricsServer(opts: {
  port: number;
  host?: string;
  registry: Registry;
  beforeScrape?: () => Promise<void>;
  healthy?: () => boolean;
}): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    if (path === '/healthz') {
      const ok = opts.healthy?.() ?? true;
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'shutting down\n');
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    void (async () => {
      try {
        if (opts.beforeScrape) await withTimeout(opts.beforeScrape(), 1500).catch(() => undefined);
        const body = await opts.registry.metrics();
        res.writeHead(200, { 'content-type': opts.registry.contentType }).end(body);
      } catch (err) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(err as Error).message}\n`);
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => (server.off('error', reject), resolve()));
  });
  return server;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then((v) => (clearTimeout(t), resolve(v)), (e) => (clearTimeout(t), reject(e)));
  });
}
