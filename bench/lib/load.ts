// autocannon has no type declarations in this repo: a minimal typed wrapper.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const autocannon: (opts: Record<string, unknown>) => Promise<any> = require('autocannon');

export interface AutocannonSummary {
  connections: number;
  durationSeconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export async function runAutocannon(o: { url: string; token: string; caPem: string; connections: number; durationSeconds: number }): Promise<AutocannonSummary> {
  const r = await autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.durationSeconds,
    headers: { authorization: `Bearer ${o.token}`, accept: 'application/json' },
    tlsOptions: { ca: o.caPem },
    timeout: 30,
  });
  return {
    connections: o.connections,
    durationSeconds: o.durationSeconds,
    requests: r.requests.total,
    requestsPerSecond: Math.round(r.requests.average * 10) / 10,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    latencyMaxMs: r.latency.max,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}
