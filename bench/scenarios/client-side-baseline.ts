// client-side-baseline: the selective-list data (same N, same objects: the rows are read back
// from the workspace schema) written to etcd under /registry/configmaps/<ns>/<name>, then read the
// way kube-apiserver (and kcp, vCluster) read when the watch cache cannot answer: one range over
// the whole resource prefix, every value decoded, the selector applied in the client. Compared
// with kplane's SQL answer for the same request at the same N, measured in the same run (reused
// from selective-list when both run in one invocation).
import { startEtcd } from '../lib/etcd';
import type { Scenario, ScenarioResult } from '../lib/scenario';
import { latencyStats, LatencyStats, rssMiB, table } from '../lib/stats';
import { adminPool, envInt } from '../lib/util';
import { workspaceSchemaName } from '@kplane/store';
import { measureGet, runSelectiveAt, selectiveCases, selectiveRuns, selectiveSizes } from './selective-list';

/**
 * Keys per etcd range. kube-apiserver, serving a list with a limit (kubectl asks for 500) whose
 * selector it cannot answer from its watch cache, reads etcd in ranges, doubling the range while
 * the selector filters out what it read, up to 10,000 keys; a selective list reaches that at once.
 * One range of 1,000,000 values would not fit in a JavaScript string either.
 */
const ETCD_PAGE = 10_000;

interface Row {
  n: number;
  case: string;
  matched: number;
  etcd: LatencyStats;
  kplane: LatencyStats;
  ratioP50: number;
  ratioP95: number;
}

export const clientSideBaseline: Scenario = {
  name: 'client-side-baseline',
  description: 'The selective-list data in etcd (Debian etcd-server, loopback), read as kube-apiserver does without the watch cache: prefix range, decode, filter in the client; ratio to kplane at each N',
  async run(ctx): Promise<ScenarioResult> {
    const sizes = selectiveSizes();
    const sequential = envInt('BENCH_SEQUENTIAL', 200);
    const pageSize = envInt('BENCH_ETCD_PAGE', ETCD_PAGE);
    const etcd = await startEtcd();
    ctx.log(`  etcd on ${etcd.url} (pid ${etcd.pid})`);
    const rows: Row[] = [];
    const loads: { n: number; loadMs: number; etcdRssMiB: number; ranges: number }[] = [];
    try {
      for (const n of sizes) {
        const run = selectiveRuns.get(n) ?? (await runSelectiveAt(ctx, n, { sequential: Math.min(sequential, 100), autocannonSeconds: 0, full: false }));
        // Same objects into etcd (JSON, as kube-apiserver stores custom resources; built-in kinds
        // are protobuf there, which is cheaper to decode than JSON: see docs/performance.md).
        await etcd.deletePrefix('/registry/');
        const started = Date.now();
        const pool = adminPool(ctx.platform);
        const schema = `"${workspaceSchemaName(run.ws.id)}"`;
        try {
          let after = '';
          for (;;) {
            const { rows: batch } = await pool.query<{ namespace: string; name: string; body: string }>(
              `SELECT namespace, name, body::text AS body FROM ${schema}.objects WHERE resource = 'configmaps' AND (namespace || '/' || name) > $1
               ORDER BY namespace || '/' || name LIMIT 20000`,
              [after],
            );
            if (!batch.length) break;
            await etcd.putMany(batch.map((r) => ({ key: `/registry/configmaps/${r.namespace}/${r.name}`, value: r.body })));
            after = `${batch[batch.length - 1].namespace}/${batch[batch.length - 1].name}`;
          }
        } finally {
          await pool.end();
        }
        const loadMs = Date.now() - started;
        ctx.log(`  N=${n}: loaded into etcd in ${(loadMs / 1000).toFixed(1)} s`);
        const runs = Math.max(3, Math.min(20, Math.round(500_000 / n)));
        const kplaneRuns = Math.min(sequential, 100);
        let ranges = 0;
        for (const c of selectiveCases(n)) {
          // Warm-up, then timed: range + decode + filter, as a storage client without a cache does.
          const once = async () => {
            let matched = 0;
            const scan = await etcd.scanPrefix('/registry/configmaps/', pageSize, (v) => {
              if (c.filter!(JSON.parse(v.toString('utf8')))) matched++;
            });
            return { matched, ...scan };
          };
          const w = await once();
          if (w.count !== n || w.matched !== c.expect) throw new Error(`etcd ${c.name}: ${w.count} objects, ${w.matched} matched`);
          ranges = w.ranges;
          const samples: number[] = [];
          for (let i = 0; i < runs; i++) {
            const t = process.hrtime.bigint();
            await once();
            samples.push(Number(process.hrtime.bigint() - t) / 1e6);
          }
          const e = latencyStats(samples);
          // kplane for the same request, measured now (same machine state as the etcd figure).
          const k = (await measureGet(run.ws, c.name, c.path, c.expect, kplaneRuns, 10)).latency;
          rows.push({ n, case: c.name, matched: c.expect, etcd: e, kplane: k, ratioP50: Math.round((e.medianMs / k.medianMs) * 10) / 10, ratioP95: Math.round((e.p95Ms / k.p95Ms) * 10) / 10 });
          ctx.log(`  N=${n} ${c.name}: etcd p50 ${e.medianMs} ms vs kplane ${k.medianMs} ms (x${rows[rows.length - 1].ratioP50})`);
        }
        loads.push({ n, loadMs, etcdRssMiB: rssMiB(etcd.pid), ranges });
      }
    } finally {
      await etcd.stop();
    }
    const t = table(
      ['N', 'request', 'matched', 'etcd+client p50 ms', 'etcd+client p95 ms', 'kplane p50 ms', 'kplane p95 ms', 'ratio p50', 'ratio p95'],
      rows.map((r) => [r.n, r.case, r.matched, r.etcd.medianMs, r.etcd.p95Ms, r.kplane.medianMs, r.kplane.p95Ms, `${r.ratioP50}x`, `${r.ratioP95}x`]),
    );
    const l = table(['N', 'etcd load s', 'etcd RSS MiB', `ranges of ${pageSize} keys per list`], loads.map((x) => [x.n, (x.loadMs / 1000).toFixed(1), x.etcdRssMiB, x.ranges]));
    return {
      scenario: 'client-side-baseline',
      data: { sizes, rows, loads },
      table: `${t}\n\n${l}`,
      markdown: [
        '## Setup',
        '',
        'etcd 3.4 (Debian etcd-server) on loopback, temp data dir; the same configmaps as selective-list (rows read back from the workspace schema, stored as JSON under ' +
          '`/registry/configmaps/<ns>/<name>`). Baseline = `/v3/kv/range` over the prefix through the gRPC gateway (JSON, base64), in ranges of ' +
          `${pageSize} keys at one revision (kube-apiserver's largest page when a selector filters out what it reads), every value JSON-decoded, selector applied in JS. ` +
          'It does not include serialising and sending the answer over HTTPS, which kplane\'s figure does; it does include the gateway\'s JSON/base64 overhead that a gRPC client would not pay. ' +
          'kplane figures: the same request over HTTPS, measured right after the etcd figure.',
        '',
        t,
        '',
        l,
        '',
      ].join('\n'),
    };
  },
};
