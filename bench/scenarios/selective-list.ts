// selective-list: one namespace with BENCH_OBJECTS configmaps (default 100,000), 100 of which
// carry tier=gold; measures selective lists (label, field), a first page (limit=500) and the
// full list over HTTPS, plus the apiserver's resident memory.
//
// Seeding goes straight to the workspace schema through WorkspaceStore.create (bounded
// concurrency) — not through HTTP — so that 100k objects load in about a minute; the objects
// are clones of one created over HTTP, with the same field values the apiserver would compute.
import { randomBytes, randomUUID } from 'node:crypto';
import { findResourceByKind, fieldValuesOf, storageKey } from '@kplane/kube';
import { WorkspaceStore, workspaceSchemaName } from '@kplane/store';
import { Pool } from 'pg';
import { runAutocannon, AutocannonSummary } from '../lib/load';
import { latencyStats, LatencyStats, rssMiB, table } from '../lib/stats';
import type { Scenario, ScenarioContext, ScenarioResult } from '../lib/scenario';
import { BenchWorkspace, kubeRequest, provisionWorkspace } from '../lib/workspace';

const NAMESPACE = 'bench';
const GOLD = 100;

function envInt(name: string, def: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

const cmName = (i: number) => `cm-${String(i).padStart(6, '0')}`;

interface Case {
  name: string;
  path: string;
  sequential: number;
  warmup: number;
  autocannon: boolean;
  /** Checks the response of one (parsed) call; returns the item count. */
  check(body: any): number;
}

interface CaseResult {
  name: string;
  path: string;
  items: number;
  bytes: number;
  latency: LatencyStats;
  autocannon?: AutocannonSummary;
}

async function expectOk(ws: BenchWorkspace, method: string, path: string, body?: unknown): Promise<any> {
  const r = await kubeRequest(ws, method, path, { body });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 500)}`);
  return r.body;
}

async function seed(ctx: ScenarioContext, ws: BenchWorkspace, objects: number, goldEvery: number, concurrency: number): Promise<{ ms: number; perSecond: number }> {
  // Object 0 goes through HTTP; its stored form is the template for the rest.
  const template = await expectOk(ws, 'POST', `/api/v1/namespaces/${NAMESPACE}/configmaps`, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: cmName(0), namespace: NAMESPACE, labels: { app: 'bench', tier: 'gold', idx: '0' } },
    data: { 'config.yaml': `key: ${randomBytes(48).toString('hex')}\n`, mode: 'bench' },
  });
  const rt = findResourceByKind('', 'v1', 'ConfigMap');
  if (!rt) throw new Error('ConfigMap resource type not found');
  const resource = storageKey(rt);
  const pool = new Pool({ connectionString: ctx.platform.databaseUrl, max: concurrency, application_name: 'kplane-bench-seed' });
  pool.on('error', () => undefined);
  const store = new WorkspaceStore(pool, ws.id);
  const started = Date.now();
  let next = 1;
  let done = 1;
  let lastLog = Date.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= objects) return;
      const obj = structuredClone(template);
      delete obj.metadata.resourceVersion;
      obj.metadata.name = cmName(i);
      obj.metadata.uid = randomUUID();
      obj.metadata.labels = { app: 'bench', tier: i % goldEvery === 0 ? 'gold' : 'silver', idx: String(i) };
      obj.data = { 'config.yaml': `key: ${randomBytes(48).toString('hex')}\n`, mode: 'bench' };
      await store.create(resource, obj, fieldValuesOf(rt, obj));
      done++;
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        ctx.log(`  seeded ${done}/${objects} (${Math.round(done / ((Date.now() - started) / 1000))}/s)`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
    // Fresh planner statistics (autovacuum would get there too, a little later).
    await pool.query(`ANALYZE "${workspaceSchemaName(ws.id)}".objects`);
  } finally {
    await pool.end();
  }
  const ms = Date.now() - started;
  return { ms, perSecond: Math.round((objects - 1) / (ms / 1000)) };
}

async function measure(ctx: ScenarioContext, ws: BenchWorkspace, c: Case, autocannonSeconds: number): Promise<CaseResult> {
  const first = await kubeRequest(ws, 'GET', c.path);
  if (first.status !== 200) throw new Error(`GET ${c.path}: ${first.status} ${String(JSON.stringify(first.body)).slice(0, 500)}`);
  const items = c.check(first.body);
  for (let i = 0; i < c.warmup; i++) await kubeRequest(ws, 'GET', c.path, { parse: false });
  const samples: number[] = [];
  for (let i = 0; i < c.sequential; i++) {
    const t = process.hrtime.bigint();
    const r = await kubeRequest(ws, 'GET', c.path, { parse: false });
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 200) throw new Error(`GET ${c.path}: ${r.status}`);
  }
  const latency = latencyStats(samples);
  ctx.log(`  ${c.name}: ${items} items, ${first.bytes} B, median ${latency.medianMs} ms, p95 ${latency.p95Ms} ms (n=${latency.n})`);
  const result: CaseResult = { name: c.name, path: c.path, items, bytes: first.bytes, latency };
  if (c.autocannon) {
    result.autocannon = await runAutocannon({ url: ws.endpoint + c.path, token: ws.token, caPem: ws.caPem, connections: 8, durationSeconds: autocannonSeconds });
    ctx.log(`  ${c.name}: autocannon c=8 ${autocannonSeconds}s: ${result.autocannon.requestsPerSecond} req/s, p50 ${result.autocannon.latencyP50Ms} ms, p99 ${result.autocannon.latencyP99Ms} ms`);
  }
  return result;
}

function itemsOf(body: any): any[] {
  if (!body || !Array.isArray(body.items)) throw new Error(`not a list: ${String(JSON.stringify(body)).slice(0, 300)}`);
  return body.items;
}

export const selectiveList: Scenario = {
  name: 'selective-list',
  description: 'Selective (label/field) lists, a first page and the full list of one namespace with BENCH_OBJECTS configmaps',
  async run(ctx): Promise<ScenarioResult> {
    const objects = envInt('BENCH_OBJECTS', 100_000);
    const concurrency = envInt('BENCH_SEED_CONCURRENCY', 16);
    const sequential = envInt('BENCH_SEQUENTIAL', 200);
    const autocannonSeconds = envInt('BENCH_AUTOCANNON_SECONDS', 10);
    const fullRuns = envInt('BENCH_FULL_LIST_RUNS', 3);
    const gold = Math.min(GOLD, objects);
    const goldEvery = Math.floor(objects / gold);
    const apiserverPid = ctx.platform.pid('apiserver');

    const ws = await provisionWorkspace(ctx.platform, `bench-${randomBytes(3).toString('hex')}`, 'selective-list');
    ctx.log(`workspace ${ws.id} ready in ${ws.provisionMs} ms`);
    await expectOk(ws, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
    await expectOk(ws, 'GET', `/api/v1/namespaces/${NAMESPACE}/configmaps?labelSelector=tier%3Dgold`);
    const memory: Record<string, number> = { beforeSeedingMiB: rssMiB(apiserverPid) };

    ctx.log(`seeding ${objects} configmaps (${gold} with tier=gold) through WorkspaceStore.create, concurrency ${concurrency}`);
    const seeding = await seed(ctx, ws, objects, goldEvery, concurrency);
    ctx.log(`seeded in ${(seeding.ms / 1000).toFixed(1)} s (${seeding.perSecond}/s)`);
    memory.afterSeedingMiB = rssMiB(apiserverPid);

    const base = `/api/v1/namespaces/${NAMESPACE}/configmaps`;
    const one = cmName(Math.floor(objects / 2));
    const cases: Case[] = [
      {
        name: 'labelSelector tier=gold',
        path: `${base}?labelSelector=${encodeURIComponent('tier=gold')}`,
        sequential,
        warmup: 20,
        autocannon: true,
        check: (b) => {
          const items = itemsOf(b);
          if (items.length !== gold || items.some((i) => i.metadata.labels?.tier !== 'gold')) throw new Error(`expected ${gold} gold configmaps, got ${items.length}`);
          return items.length;
        },
      },
      {
        name: `fieldSelector metadata.name=${one}`,
        path: `${base}?fieldSelector=${encodeURIComponent(`metadata.name=${one}`)}`,
        sequential,
        warmup: 20,
        autocannon: true,
        check: (b) => {
          const items = itemsOf(b);
          if (items.length !== 1 || items[0].metadata.name !== one) throw new Error(`expected exactly ${one}, got ${items.length} items`);
          return items.length;
        },
      },
      {
        name: 'full list limit=500 (first page)',
        path: `${base}?limit=500`,
        sequential,
        warmup: 20,
        autocannon: true,
        check: (b) => {
          const items = itemsOf(b);
          const want = Math.min(500, objects);
          if (items.length !== want) throw new Error(`expected ${want} items, got ${items.length}`);
          if (objects > 500 && !b.metadata?.continue) throw new Error('first page without a continue token');
          return items.length;
        },
      },
      {
        name: 'full list (no limit)',
        path: base,
        sequential: fullRuns,
        warmup: 1,
        autocannon: false,
        check: (b) => {
          const items = itemsOf(b);
          if (items.length !== objects) throw new Error(`expected ${objects} items, got ${items.length}`);
          return items.length;
        },
      },
    ];
    const results: CaseResult[] = [];
    for (const c of cases) results.push(await measure(ctx, ws, c, autocannonSeconds));
    memory.afterMeasurementsMiB = rssMiB(apiserverPid);
    memory.peakMiB = hwmMiB(apiserverPid);

    const rows = results.map((r) => [
      r.name,
      r.items,
      r.bytes,
      r.latency.n,
      r.latency.medianMs,
      r.latency.p95Ms,
      r.latency.maxMs,
      r.autocannon ? r.autocannon.requestsPerSecond : '-',
      r.autocannon ? r.autocannon.latencyP50Ms : '-',
      r.autocannon ? r.autocannon.latencyP99Ms : '-',
      r.autocannon ? `${r.autocannon.non2xx}/${r.autocannon.errors}` : '-',
    ]);
    const latencyTable = table(
      ['request', 'items', 'bytes', 'n (seq)', 'median ms', 'p95 ms', 'max ms', 'req/s (c=8)', 'p50 ms (c=8)', 'p99 ms (c=8)', 'non2xx/err (c=8)'],
      rows,
    );
    const memTable = table(
      ['apiserver VmRSS', 'MiB'],
      [
        ['before seeding', memory.beforeSeedingMiB],
        ['after seeding', memory.afterSeedingMiB],
        ['after measurements', memory.afterMeasurementsMiB],
        ['peak (VmHWM)', memory.peakMiB],
      ],
    );
    const setup = table(
      ['setting', 'value'],
      [
        ['objects (configmaps in one namespace)', objects],
        ['tier=gold objects', gold],
        ['seeding', `WorkspaceStore.create directly on the DB, concurrency ${concurrency}: ${(seeding.ms / 1000).toFixed(1)} s (${seeding.perSecond} objects/s), then ANALYZE`],
        ['sequential requests per case', `${sequential} after 20 warm-up (full list: ${fullRuns} after 1)`],
        ['autocannon', `8 connections, ${autocannonSeconds} s, HTTPS with the workspace CA and token`],
      ],
    );
    return {
      scenario: 'selective-list',
      data: { objects, gold, seeding, sequential, autocannonSeconds, fullRuns, memory, results, workspaceProvisionMs: ws.provisionMs },
      table: `${latencyTable}\n\n${memTable}`,
      markdown: [
        '## Setup', '', setup, '',
        '## Latency (HTTPS, one client, sequential) and throughput (autocannon, c=8)', '', latencyTable, '',
        '## API server memory', '', memTable, '',
      ].join('\n'),
    };
  },
};

function hwmMiB(pid: number): number {
  const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(require('node:fs').readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : NaN;
}
