// writes: creates and updates per second over HTTPS, in one workspace and round-robin across
// BENCH_WRITES_WORKSPACES (default 50) workspaces, at BENCH_WRITES_CONCURRENCY clients (default
// 1,16,64), each phase BENCH_WRITES_SECONDS (default 5) of creates (POST configmap) then the same
// of updates (JSON merge patch of a configmap created in the create phase); p50/p95/p99 per write.
import { randomBytes } from 'node:crypto';
import type { Scenario, ScenarioResult } from '../lib/scenario';
import { cpuMsPer, percentiles, platformCpuMs, table } from '../lib/stats';
import type { BenchPlatform } from '../lib/platform';
import { envInt, envIntList, mapLimit } from '../lib/util';
import { BenchWorkspace, kubeRequest, provisionWorkspace } from '../lib/workspace';

interface PhaseResult {
  target: string;
  op: 'create' | 'update';
  concurrency: number;
  writes: number;
  errors: number;
  /** Count of each failed answer's status and reason (e.g. `409 Conflict`). */
  errorKinds: Record<string, number>;
  perSecond: number;
  latency: ReturnType<typeof percentiles>;
  cpuMsPerWrite: Record<string, number>;
}

/** A failed answer's Kubernetes Status reason (Conflict, TooManyRequests...). */
const statusReason = (body: unknown): string =>
  (body as { reason?: string } | undefined)?.reason ?? (typeof body === 'string' ? body : JSON.stringify(body) ?? '').slice(0, 60);

const payload = () => ({ 'config.yaml': `key: ${randomBytes(48).toString('hex')}\n`, mode: 'bench' });

async function phase(platform: BenchPlatform, spaces: BenchWorkspace[], op: 'create' | 'update', concurrency: number, seconds: number, created: string[][], tag: string): Promise<Omit<PhaseResult, 'target'>> {
  const samples: number[] = [];
  let errors = 0;
  const errorKinds: Record<string, number> = {};
  let seq = 0;
  const cpu0 = platformCpuMs(platform);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const n = seq++;
        const w = n % spaces.length;
        const ws = spaces[w];
        const t = performance.now();
        let r;
        if (op === 'create') {
          const name = `${tag}-${n}`;
          r = await kubeRequest(ws, 'POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { app: 'writes' } }, data: payload() }, parse: false });
          if (r.status === 201) created[w].push(name);
        } else {
          // The workspace's objects in turn, so two requests in flight together never patch the same
          // one (n % pool.length picked it again 50·k requests later whenever pool.length divided 50·k;
          // a slow request and the later one then conflicted, 409 after the patch's retries).
          const pool = created[w];
          const name = pool[Math.floor(n / spaces.length) % pool.length];
          r = await kubeRequest(ws, 'PATCH', `/api/v1/namespaces/default/configmaps/${name}`, { body: { data: payload() }, contentType: 'application/merge-patch+json', parse: false });
        }
        samples.push(performance.now() - t);
        if (r.status !== (op === 'create' ? 201 : 200)) {
          errors++;
          const kind = `${r.status} ${statusReason(r.body)}`;
          errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpuMsPerWrite = cpuMsPer(cpu0, platformCpuMs(platform), samples.length);
  return { op, concurrency, writes: samples.length, errors, errorKinds, perSecond: Math.round((samples.length / elapsed) * 10) / 10, latency: percentiles(samples), cpuMsPerWrite };
}

export const writes: Scenario = {
  name: 'writes',
  description: 'Creates and updates per second in one workspace and across BENCH_WRITES_WORKSPACES (50) workspaces at 1, 16, 64 clients; p95 per write',
  async run(ctx): Promise<ScenarioResult> {
    const concurrencies = envIntList('BENCH_WRITES_CONCURRENCY', [1, 16, 64]);
    const seconds = envInt('BENCH_WRITES_SECONDS', 5);
    const many = envInt('BENCH_WRITES_WORKSPACES', 50);
    const tenant = `writes-${randomBytes(3).toString('hex')}`;
    const maxC = Math.max(...concurrencies);
    const one = [await provisionWorkspace(ctx.platform, tenant, 'one', maxC)];
    ctx.log(`  provisioning ${many} workspaces`);
    const spread = await mapLimit(many, 10, (i) => provisionWorkspace(ctx.platform, tenant, `many-${i}`, Math.max(2, Math.ceil(maxC / many) + 1)));
    const results: PhaseResult[] = [];
    for (const [target, spaces] of [['1 workspace', one], [`${many} workspaces`, spread]] as const) {
      for (const c of concurrencies) {
        const created = spaces.map(() => [] as string[]);
        const tag = `c${c}-${randomBytes(2).toString('hex')}`;
        for (const op of ['create', 'update'] as const) {
          const r = { target, ...(await phase(ctx.platform, spaces as BenchWorkspace[], op, c, seconds, created, tag)) };
          ctx.log(`  ${target} ${op} c=${c}: ${r.perSecond}/s p50 ${r.latency.p50} p95 ${r.latency.p95} p99 ${r.latency.p99} ms, ${r.errors} errors${r.errors ? ` ${JSON.stringify(r.errorKinds)}` : ''}; CPU ms/write ${JSON.stringify(r.cpuMsPerWrite)}`);
          results.push(r);
        }
      }
    }
    for (const ws of [...one, ...spread]) ws.agent.destroy();
    const t = table(
      ['target', 'op', 'clients', 'writes', 'errors', 'writes/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'CPU ms/write apiserver+pg+bench'],
      results.map((r) => [r.target, r.op, r.concurrency, r.writes, r.errors, r.perSecond, r.latency.p50, r.latency.p95, r.latency.p99, r.latency.max, [r.cpuMsPerWrite.apiserver, r.cpuMsPerWrite.postgres, r.cpuMsPerWrite.bench].join('+')]),
    );
    return {
      scenario: 'writes',
      data: { concurrencies, seconds, workspaces: many, results },
      table: t,
      markdown: [
        '## Setup', '',
        `Each phase ${seconds} s: creates (POST configmap, ~150 B of data) then updates (JSON merge patch of the data of configmaps created in that phase), ` +
          `closed-loop clients over keep-alive HTTPS; "${many} workspaces" sends request k to workspace k mod ${many}.`,
        '', t, '',
      ].join('\n'),
    };
  },
};
