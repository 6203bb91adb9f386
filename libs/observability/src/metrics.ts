import { collectDefaultMetrics, Registry } from 'prom-client';

/** One registry per process, with the Node.js default metrics and an `app` label. */
export function createMetricsRegistry(app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  return registry;
}
