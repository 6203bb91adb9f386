// custom-resources (issue 4): a namespaced CRD with a selectable field (.spec.size) and BENCH_CR_OBJECTS
// (default 100,000) custom resources in one namespace, seeded by SQL (bulk clone of one created over
// HTTP; the `fields` column carries {'spec.size': <value>} as the apiserver computes it, and the
// body carries the same value, which the expression index reads). Selective lists over HTTPS by
// label (color=red, 100 objects) and by the selectable field (spec.size=large, 100 objects), and
// by metadata.name (1 object): p50/p95 sequential, req/s with autocannon.
import { randomBytes } from 'node:crypto';
import { workspaceSchemaName } from '@kplane/store';
import { bulkClone } from '../lib/bulk-seed';
import { createCrdAndWait } from '../lib/crd';
import { runAutocannon } from '../lib/load';
import type { Scenario, ScenarioResult } from '../lib/scenario';
import { hwmMiB, rssMiB, table } from '../lib/stats';
import { adminPool, envInt, expectOk } from '../lib/util';
import { provisionWorkspace } from '../lib/workspace';
import { measureGet, Measured } from './selective-list';

const GROUP = 'bench.kplane.io';
const RARE = 100;
const wName = (i: number) => `w-${String(i).padStart(7, '0')}`;

export const widgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `widgets.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: {
                  size: { type: 'string', enum: ['small', 'medium', 'large'] },
                  replicas: { type: 'integer', minimum: 0 },
                  owner: { type: 'string' },
                  description: { type: 'string' },
                },
              },
            },
          },
        },
        selectableFields: [{ jsonPath: '.spec.size' }],
        additionalPrinterColumns: [{ name: 'Size', type: 'string', jsonPath: '.spec.size' }],
      },
    ],
  },
};

export const customResources: Scenario = {
  name: 'custom-resources',
  description: 'Selective lists by label and by a CRD selectable field (spec.size) over BENCH_CR_OBJECTS (100,000) custom resources',
  async run(ctx): Promise<ScenarioResult> {
    const n = envInt('BENCH_CR_OBJECTS', 100_000);
    const sequential = envInt('BENCH_SEQUENTIAL', 200);
    const autocannonSeconds = envInt('BENCH_AUTOCANNON_SECONDS', 5, 0);
    const pid = ctx.platform.pid('apiserver');
    const ws = await provisionWorkspace(ctx.platform, `bench-${randomBytes(3).toString('hex')}`, 'custom-resources');
    await expectOk(ws, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
    await createCrdAndWait(ws, widgetCrd);
    const base = `/apis/${GROUP}/v1/namespaces/bench/widgets`;
    await expectOk(ws, 'POST', base, {
      apiVersion: `${GROUP}/v1`,
      kind: 'Widget',
      metadata: { name: wName(0), namespace: 'bench', labels: { app: 'bench', color: 'blue' } },
      spec: { size: 'large', replicas: 1, owner: 'team-a', description: `widget ${randomBytes(40).toString('hex')}` },
    });
    const every = Math.floor(n / RARE);
    const size = `CASE WHEN g.i % ${every} = 0 THEN 'large' WHEN g.i % 2 = 0 THEN 'small' ELSE 'medium' END`;
    const pool = adminPool(ctx.platform);
    const before = rssMiB(pid);
    let seedMs = 0;
    try {
      const tpl = await pool.query<{ fields: Record<string, string> }>(
        `SELECT fields FROM "${workspaceSchemaName(ws.id)}".objects WHERE resource = $1 AND name = $2`,
        [`widgets.${GROUP}`, wName(0)],
      );
      if (tpl.rows[0]?.fields?.['spec.size'] !== 'large') throw new Error(`template row fields: ${JSON.stringify(tpl.rows[0]?.fields)} (expected spec.size)`);
      ctx.log(`  seeding ${n} widgets by SQL`);
      const r = await bulkClone(pool, ws.id, {
        resource: `widgets.${GROUP}`,
        namespace: 'bench',
        name: wName(0),
        from: 1,
        to: n,
        nameExpr: `'w-' || lpad(g.i::text, 7, '0')`,
        labelsExpr: `jsonb_build_object('app', 'bench', 'color', CASE WHEN g.i % ${every} = ${Math.floor(every / 2)} THEN 'red' ELSE 'blue' END)`,
        fieldsExpr: `jsonb_set(t.fields, '{spec.size}', to_jsonb(${size}))`,
        bodyExpr: `jsonb_set(t.body, '{spec,size}', to_jsonb(${size}))`,
      });
      seedMs = r.ms;
      ctx.log(`  seeded in ${(r.ms / 1000).toFixed(1)} s`);
    } finally {
      await pool.end();
    }
    await ctx.platform.settle(); // autovacuum's work after the bulk load, before measuring (see selective-list)
    const after = rssMiB(pid);
    const one = wName(Math.floor(n / 2) + 1);
    const cases = [
      { name: 'label color=red (100)', path: `${base}?labelSelector=${encodeURIComponent('color=red')}`, expect: RARE },
      { name: 'selectable field spec.size=large (100)', path: `${base}?fieldSelector=${encodeURIComponent('spec.size=large')}`, expect: RARE },
      { name: `field metadata.name=${one} (1)`, path: `${base}?fieldSelector=${encodeURIComponent(`metadata.name=${one}`)}`, expect: 1 },
      { name: 'label + selectable field (color=red, spec.size=large)', path: `${base}?labelSelector=color%3Dred&fieldSelector=${encodeURIComponent('spec.size=large')}`, expect: 0 },
      { name: 'first page limit=500', path: `${base}?limit=500`, expect: Math.min(500, n) },
    ];
    const results: Measured[] = [];
    for (const c of cases) {
      const m = await measureGet(ws, c.name, c.path, c.expect, sequential, 20);
      if (autocannonSeconds > 0 && c.expect > 0 && c.expect <= RARE) m.autocannon = await runAutocannon({ url: ws.endpoint + c.path, token: ws.token, caPem: ws.caPem, connections: 8, durationSeconds: autocannonSeconds });
      ctx.log(`  ${c.name}: p50 ${m.latency.medianMs} ms p95 ${m.latency.p95Ms} ms${m.autocannon ? `; ${m.autocannon.requestsPerSecond} req/s c=8` : ''}`);
      results.push(m);
    }
    const memory = { beforeSeedingMiB: before, afterSeedingMiB: after, afterMeasurementsMiB: rssMiB(pid), peakMiB: hwmMiB(pid) };
    const t = table(
      ['request', 'items', 'bytes', 'n', 'p50 ms', 'p95 ms', 'max ms', 'req/s c=8', 'p50 ms c=8', 'p99 ms c=8', 'non2xx/err'],
      results.map((m) => [
        m.name, m.items, m.bytes, m.latency.n, m.latency.medianMs, m.latency.p95Ms, m.latency.maxMs,
        m.autocannon?.requestsPerSecond ?? '-', m.autocannon?.latencyP50Ms ?? '-', m.autocannon?.latencyP99Ms ?? '-',
        m.autocannon ? `${m.autocannon.non2xx}/${m.autocannon.errors}` : '-',
      ]),
    );
    const mt = table(['apiserver VmRSS', 'MiB'], Object.entries(memory).map(([k, v]) => [k, v]));
    return {
      scenario: 'custom-resources',
      data: { objects: n, seedMs, sequential, autocannonSeconds, results, memory },
      table: `${t}\n\n${mt}`,
      markdown: [
        '## Setup', '',
        `${n} Widgets (namespaced CRD widgets.${GROUP}, selectableFields [.spec.size]) in one namespace, seeded by SQL in ${(seedMs / 1000).toFixed(1)} s; ` +
          `${RARE} with spec.size=large, ${RARE} (others) labelled color=red. ${sequential} sequential HTTPS requests per case after 20 warm-up; autocannon 8 connections ${autocannonSeconds} s.`,
        '', t, '', '## API server memory', '', mt, '',
      ].join('\n'),
    };
  },
};
