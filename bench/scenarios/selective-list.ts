// selective-list: for each N in BENCH_SIZES (default 10,000, 100,000 and 1,000,000; capped by
// BENCH_MAX_OBJECTS, e.g. 100000 for a shorter run), one workspace with N configmaps, 100 of them labelled tier=gold
// and kept in namespace bench-gold, the rest in namespace bench. Cluster-wide lists by label and
// by field selector matching 100 and 1 objects, a first page and (up to BENCH_FULL_LIST_MAX) the
// full list, over HTTPS; API-server memory at each N.
//
// Seeding is by SQL (bench/lib/bulk-seed.ts): one configmap is created over HTTP and cloned N-1
// times with INSERT ... SELECT FROM generate_series under the workspace role (about 10-20k
// rows/s here, against ~600/s through WorkspaceStore.create).
import { randomBytes } from 'node:crypto';
import { bulkClone } from '../lib/bulk-seed';
import { AutocannonSummary, runAutocannon } from '../lib/load';
import type { Scenario, ScenarioContext, ScenarioResult } from '../lib/scenario';
import { hwmMiB, latencyStats, LatencyStats, rssMiB, table } from '../lib/stats';
import { adminPool, envFlag, envInt, envIntList, expectOk } from '../lib/util';
import { BenchWorkspace, kubeRequest, provisionWorkspace } from '../lib/workspace';

export const GOLD = 100;
export const cmName = (i: number) => `cm-${String(i).padStart(7, '0')}`;

/** N values: BENCH_SIZES, else 10k, 100k and 1M; none above BENCH_MAX_OBJECTS. */
export function selectiveSizes(): number[] {
  const max = envInt('BENCH_MAX_OBJECTS', 1_000_000);
  const sizes = envIntList('BENCH_SIZES', [10_000, 100_000, 1_000_000]);
  return sizes.filter((n) => n <= max);
}

export interface SelectiveCase {
  name: string;
  path: string;
  expect: number;
  /** etcd baseline: the same filter applied in the client to decoded objects. */
  filter?: (o: any) => boolean;
  ns?: string;
}

export function selectiveCases(n: number): SelectiveCase[] {
  const goldEvery = Math.floor(n / GOLD);
  let one = Math.floor(n / 2) + 1;
  if (one % goldEvery === 0) one++;
  const name = cmName(one);
  const b = '/api/v1/configmaps';
  return [
    { name: 'label tier=gold (100)', path: `${b}?labelSelector=${encodeURIComponent('tier=gold')}`, expect: GOLD, filter: (o) => o.metadata.labels?.tier === 'gold' },
    { name: `label idx=${one} (1)`, path: `${b}?labelSelector=${encodeURIComponent(`idx=${one}`)}`, expect: 1, filter: (o) => o.metadata.labels?.idx === String(one) },
    {
      name: 'field metadata.namespace=bench-gold (100)',
      path: `${b}?fieldSelector=${encodeURIComponent('metadata.namespace=bench-gold')}`,
      expect: GOLD,
      filter: (o) => o.metadata.namespace === 'bench-gold',
    },
    { name: `field metadata.name=${name} (1)`, path: `${b}?fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}`, expect: 1, filter: (o) => o.metadata.name === name },
  ];
}

export interface SelectiveWorkspace {
  n: number;
  ws: BenchWorkspace;
  seedMs: number;
}

/** A workspace with N configmaps as described above. */
export async function seedSelective(ctx: ScenarioContext, n: number): Promise<SelectiveWorkspace> {
  const ws = await provisionWorkspace(ctx.platform, `bench-${randomBytes(3).toString('hex')}`, `selective-${n}`);
  for (const ns of ['bench', 'bench-gold']) await expectOk(ws, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  // Object 0 goes through HTTP (a gold one); its stored row is the template of the rest.
  await expectOk(ws, 'POST', '/api/v1/namespaces/bench-gold/configmaps', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: cmName(0), namespace: 'bench-gold', labels: { app: 'bench', tier: 'gold', idx: '0' } },
    data: { 'config.yaml': `key: ${randomBytes(48).toString('hex')}\n`, mode: 'bench' },
  });
  const goldEvery = Math.floor(n / GOLD);
  const isGold = `(g.i % ${goldEvery} = 0)`;
  const pool = adminPool(ctx.platform);
  try {
    ctx.log(`  seeding ${n} configmaps by SQL (workspace ${ws.id})`);
    const r = await bulkClone(pool, ws.id, {
      resource: 'configmaps',
      namespace: 'bench-gold',
      name: cmName(0),
      from: 1,
      to: n,
      nameExpr: `'cm-' || lpad(g.i::text, 7, '0')`,
      namespaceExpr: `CASE WHEN ${isGold} THEN 'bench-gold' ELSE 'bench' END`,
      labelsExpr: `jsonb_build_object('app', 'bench', 'tier', CASE WHEN ${isGold} THEN 'gold' ELSE 'silver' END, 'idx', g.i::text)`,
      bodyExpr: `jsonb_set(t.body, '{data,config.yaml}', to_jsonb('key: ' || md5(g.i::text) || md5((g.i + 1)::text) || E'\\n'))`,
      onProgress: (d) => (d % 200_000 === 0 ? ctx.log(`    ${d + 1}/${n}`) : undefined),
    });
    ctx.log(`  seeded ${n} in ${(r.ms / 1000).toFixed(1)} s (${Math.round(r.rows / (r.ms / 1000))}/s)`);
    return { n, ws, seedMs: r.ms };
  } finally {
    await pool.end();
  }
}

export interface Measured {
  name: string;
  path: string;
  items: number;
  bytes: number;
  latency: LatencyStats;
  autocannon?: AutocannonSummary;
}

/** Sequential latency of GET `path` (after a check of the first answer and warm-up). */
export async function measureGet(ws: BenchWorkspace, name: string, path: string, expect: number | undefined, sequential: number, warmup: number): Promise<Measured> {
  const first = await kubeRequest(ws, 'GET', path);
  if (first.status !== 200 || !Array.isArray(first.body?.items)) throw new Error(`GET ${path}: ${first.status} ${String(JSON.stringify(first.body)).slice(0, 400)}`);
  if (expect !== undefined && first.body.items.length !== expect) throw new Error(`GET ${path}: expected ${expect} items, got ${first.body.items.length}`);
  for (let i = 0; i < warmup; i++) await kubeRequest(ws, 'GET', path, { parse: false });
  const samples: number[] = [];
  for (let i = 0; i < sequential; i++) {
    const t = process.hrtime.bigint();
    const r = await kubeRequest(ws, 'GET', path, { parse: false });
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status}`);
  }
  return { name, path, items: first.body.items.length, bytes: first.bytes, latency: latencyStats(samples) };
}

export interface SelectiveRun {
  n: number;
  seedMs: number;
  ws: BenchWorkspace;
  results: Measured[];
  memory: { afterSeedingMiB: number; afterSelectiveMiB: number; afterFullListMiB?: number; peakMiB: number };
}

/** Filled by selective-list; client-side-baseline reuses it when both run in one invocation. */
export const selectiveRuns = new Map<number, SelectiveRun>();

export async function runSelectiveAt(ctx: ScenarioContext, n: number, o: { sequential: number; autocannonSeconds: number; full: boolean }): Promise<SelectiveRun> {
  const pid = ctx.platform.pid('apiserver');
  const seeded = await seedSelective(ctx, n);
  // What autovacuum does after a bulk load (vacuum of the new rows) is done before measuring, not
  // during: at N = 1,000,000 it otherwise ran beside the lists whenever its next round fell there.
  await ctx.platform.settle();
  const ws = seeded.ws;
  const memory: SelectiveRun['memory'] = { afterSeedingMiB: rssMiB(pid), afterSelectiveMiB: 0, peakMiB: 0 };
  const results: Measured[] = [];
  for (const c of selectiveCases(n)) {
    const m = await measureGet(ws, c.name, c.path, c.expect, o.sequential, 20);
    if (o.autocannonSeconds > 0 && (c.expect === GOLD || c.name.startsWith('field metadata.name'))) {
      m.autocannon = await runAutocannon({ url: ws.endpoint + c.path, token: ws.token, caPem: ws.caPem, connections: 8, durationSeconds: o.autocannonSeconds });
    }
    ctx.log(`  N=${n} ${c.name}: p50 ${m.latency.medianMs} ms, p95 ${m.latency.p95Ms} ms${m.autocannon ? `, ${m.autocannon.requestsPerSecond} req/s (c=8)` : ''}`);
    results.push(m);
  }
  const page = await measureGet(ws, 'first page limit=500 (namespace bench)', '/api/v1/namespaces/bench/configmaps?limit=500', Math.min(500, n - GOLD), o.sequential, 20);
  results.push(page);
  memory.afterSelectiveMiB = rssMiB(pid);
  if (o.full) {
    const full = await measureGet(ws, 'full list, no limit (all namespaces)', '/api/v1/configmaps', n, envInt('BENCH_FULL_LIST_RUNS', 3), 1);
    results.push(full);
    ctx.log(`  N=${n} full list: p50 ${full.latency.medianMs} ms (${full.bytes} B)`);
    memory.afterFullListMiB = rssMiB(pid);
  }
  memory.peakMiB = hwmMiB(pid);
  const run = { n, seedMs: seeded.seedMs, ws, results, memory };
  selectiveRuns.set(n, run);
  return run;
}

export const selectiveList: Scenario = {
  name: 'selective-list',
  description: 'Cluster-wide label/field-selector lists matching 100 and 1 of N configmaps (N = BENCH_SIZES up to BENCH_MAX_OBJECTS), first page, full list, apiserver memory',
  async run(ctx): Promise<ScenarioResult> {
    const sizes = selectiveSizes();
    const sequential = envInt('BENCH_SEQUENTIAL', 200);
    const autocannonSeconds = envInt('BENCH_AUTOCANNON_SECONDS', 5, 0);
    const fullMax = envInt('BENCH_FULL_LIST_MAX', 100_000);
    const runs: SelectiveRun[] = [];
    for (const n of sizes) runs.push(await runSelectiveAt(ctx, n, { sequential, autocannonSeconds, full: n <= fullMax && !envFlag('BENCH_SKIP_FULL_LIST') }));

    const rows = runs.flatMap((r) =>
      r.results.map((m) => [
        r.n,
        m.name,
        m.items,
        m.bytes,
        m.latency.n,
        m.latency.medianMs,
        m.latency.p95Ms,
        m.latency.maxMs,
        m.autocannon ? m.autocannon.requestsPerSecond : '-',
        m.autocannon ? m.autocannon.latencyP99Ms : '-',
        m.autocannon ? `${m.autocannon.non2xx}/${m.autocannon.errors}` : '-',
      ]),
    );
    const lat = table(['N', 'request', 'items', 'bytes', 'n', 'p50 ms', 'p95 ms', 'max ms', 'req/s c=8', 'p99 ms c=8', 'non2xx/err'], rows);
    const mem = table(
      ['N', 'seed s', 'RSS after seeding MiB', 'RSS after selective lists MiB', 'RSS after full list MiB', 'VmHWM MiB'],
      runs.map((r) => [r.n, (r.seedMs / 1000).toFixed(1), r.memory.afterSeedingMiB, r.memory.afterSelectiveMiB, r.memory.afterFullListMiB ?? '-', r.memory.peakMiB]),
    );
    return {
      scenario: 'selective-list',
      data: {
        sizes,
        sequential,
        autocannonSeconds,
        runs: runs.map((r) => ({ n: r.n, seedMs: r.seedMs, workspaceId: r.ws.id, results: r.results, memory: r.memory })),
      },
      table: `${lat}\n\n${mem}`,
      markdown: [
        '## Setup',
        '',
        `N in ${sizes.join(', ')}: one workspace per N, configmaps seeded by SQL (bulk clone of one created over HTTP; see bench/lib/bulk-seed.ts), ` +
          `${GOLD} labelled tier=gold in namespace bench-gold, the rest in bench, each with a unique idx label. Cluster-wide lists over HTTPS, ` +
          `${sequential} sequential requests per case after 20 warm-up; autocannon (8 connections, ${autocannonSeconds} s) on the 100-object label list and the 1-object name list. ` +
          'The apiserver process is shared by all N (it is one process serving every workspace), so memory is read from the same process as N grows.',
        '',
        '## Latency',
        '',
        lat,
        '',
        '## API server memory (VmRSS)',
        '',
        mem,
        '',
      ].join('\n'),
    };
  },
};
