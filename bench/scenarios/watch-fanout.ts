// watch-fanout: BENCH_WATCHERS watchers (default 1,000, the figure) spread over
// BENCH_WATCH_WORKSPACES workspaces (default 100), each an HTTPS stream
// GET .../configmaps?watch=true&resourceVersion=<list rv> on its own connection. BENCH_WATCH_ROUNDS
// rounds (default 20): one merge-patch of a probe configmap in every workspace at once (through
// HTTP), carrying the send time; latency = event received by a watcher - write sent (an upper
// bound of commit->event; the write's own latency is reported beside it). commit->event is measured
// from the timestamp PostgreSQL gave the change-log row (clock_timestamp() when the row was written,
// just before its transaction commits; a lower bound of the commit time, so the figure is an upper
// bound of commit->event) to the event's arrival, on the same machine clock.
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:https';
import type { Scenario, ScenarioResult } from '../lib/scenario';
import { percentiles, rssMiB, table } from '../lib/stats';
import { adminPool, envInt, expectOk, mapLimit, sleep } from '../lib/util';
import type { BenchPlatform } from '../lib/platform';
import { BenchWorkspace, kubeRequest, provisionWorkspace } from '../lib/workspace';

interface Watcher {
  seen: number;
  close(): void;
}

/** `onEvent` gets each event with the time its bytes were handed to us (before parsing them). */
function openWatch(ws: BenchWorkspace, agent: Agent, path: string, onEvent: (ev: any, arrivedAt: number) => void): Promise<Watcher> {
  return new Promise((done, fail) => {
    const url = new URL(ws.endpoint + path);
    const w: Watcher = { seen: 0, close: () => req.destroy() };
    const req = request({ method: 'GET', hostname: url.hostname, port: url.port, path: url.pathname + url.search, agent, headers: { accept: 'application/json', authorization: `Bearer ${ws.token}` } }, (res) => {
      if (res.statusCode !== 200) return fail(new Error(`watch: ${res.statusCode}`));
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const arrivedAt = performance.now();
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.trim()) onEvent(JSON.parse(line), arrivedAt);
        }
      });
      res.on('error', () => undefined);
      done(w);
    });
    req.on('error', (err) => fail(err));
    req.end();
  });
}

/** When PostgreSQL logged each received change (epoch ms), keyed `${workspace index}:${rv}`. */
async function changeTimes(platform: BenchPlatform, spaces: BenchWorkspace[], arrivals: { ws: number; rv: string }[]): Promise<Map<string, number>> {
  const pool = adminPool(platform);
  const out = new Map<string, number>();
  try {
    for (const [i, ws] of spaces.entries()) {
      const rvs = [...new Set(arrivals.filter((a) => a.ws === i).map((a) => a.rv))];
      const schema = `ws_${ws.id.replace(/-/g, '')}`;
      if (!/^ws_[0-9a-f]{32}$/.test(schema)) throw new Error(`unexpected workspace id ${ws.id}`);
      const { rows } = await pool.query<{ rv: string; ms: string }>(
        `SELECT rv::text AS rv, (extract(epoch FROM created_at) * 1000)::text AS ms FROM "${schema}".changes WHERE rv = ANY($1::bigint[])`,
        [rvs],
      );
      for (const r of rows) out.set(`${i}:${r.rv}`, Number(r.ms));
    }
  } finally {
    await pool.end();
  }
  return out;
}

export const watchFanout: Scenario = {
  name: 'watch-fanout',
  description: 'Watchers spread over workspaces (BENCH_WATCHERS over BENCH_WATCH_WORKSPACES): write (HTTP) -> event received latency p50/p99',
  async run(ctx): Promise<ScenarioResult> {
    const wsCount = envInt('BENCH_WATCH_WORKSPACES', 100);
    const watchers = envInt('BENCH_WATCHERS', 1000);
    const rounds = envInt('BENCH_WATCH_ROUNDS', 20);
    const perWs = Math.ceil(watchers / wsCount);
    const pid = ctx.platform.pid('apiserver');
    const tenant = `watch-${randomBytes(3).toString('hex')}`;
    ctx.log(`  provisioning ${wsCount} workspaces`);
    const spaces = await mapLimit(wsCount, 10, (i) => provisionWorkspace(ctx.platform, tenant, `w-${i}`, 4));
    const rssBefore = rssMiB(pid);
    type Mode = 'burst' | 'spread';
    const stats: Record<Mode, { latencies: number[]; sinceResponse: number[]; writes: number[]; missed: number }> = {
      burst: { latencies: [], sinceResponse: [], writes: [], missed: 0 },
      spread: { latencies: [], sinceResponse: [], writes: [], missed: 0 },
    };
    let current: Mode = 'burst';
    const sentAt = new Map<string, number>(); // `${ws}:${seq}` -> send time
    const respAt = new Map<string, number>();
    const seenCount = new Map<string, number>();
    const arrivals: { mode: Mode; ws: number; rv: string; atEpochMs: number }[] = [];
    const all: Watcher[] = [];
    const agents: Agent[] = [];
    try {
      await mapLimit(wsCount, 10, async (i) => {
        const ws = spaces[i];
        await expectOk(ws, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'probe' }, data: { seq: '0' } });
        const list = await expectOk(ws, 'GET', '/api/v1/namespaces/default/configmaps');
        const agent = new Agent({ keepAlive: true, maxSockets: Infinity, ca: ws.caPem });
        agents.push(agent);
        const n = Math.min(perWs, watchers - i * perWs);
        for (let k = 0; k < n; k++) {
          all.push(
            await openWatch(ws, agent, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${list.metadata.resourceVersion}`, (ev, now) => {
              const seq = ev?.object?.data?.seq;
              if (ev.type !== 'MODIFIED' || !seq) return;
              const key = `${i}:${seq}`;
              const s = sentAt.get(key);
              if (s !== undefined) stats[current].latencies.push(now - s);
              const r = respAt.get(key);
              if (r !== undefined) stats[current].sinceResponse.push(now - r);
              seenCount.set(key, (seenCount.get(key) ?? 0) + 1);
              arrivals.push({ mode: current, ws: i, rv: ev.object.metadata.resourceVersion, atEpochMs: performance.timeOrigin + now });
            }),
          );
        }
      });
      ctx.log(`  ${all.length} watchers open over ${wsCount} workspaces; ${rounds} rounds`);
      const rssWatching = rssMiB(pid);
      // burst: every workspace written at the same instant (a worst case on 2 cores: the writes
      // queue behind each other); spread: the same writes paced evenly over one second per round
      // (wsCount writes/s), which measures fan-out rather than the drain of a burst.
      let seq = 0;
      for (const mode of ['burst', 'spread'] as Mode[]) {
        current = mode;
        for (let round = 1; round <= rounds; round++) {
          const s = ++seq;
          await Promise.all(
            spaces.map(async (ws, i) => {
              if (mode === 'spread') await sleep((i * 1000) / wsCount);
              const key = `${i}:${s}`;
              const t = performance.now();
              sentAt.set(key, t);
              const r = await kubeRequest(ws, 'PATCH', '/api/v1/namespaces/default/configmaps/probe', {
                body: { data: { seq: String(s), at: String(t) } },
                contentType: 'application/merge-patch+json',
                parse: false,
              });
              const done = performance.now();
              respAt.set(key, done);
              stats[mode].writes.push(done - t);
              if (r.status !== 200) throw new Error(`patch: ${r.status}`);
            }),
          );
          const want = (i: number) => Math.min(perWs, watchers - i * perWs);
          const deadline = Date.now() + 5000;
          while (Date.now() < deadline && spaces.some((_, i) => (seenCount.get(`${i}:${s}`) ?? 0) < want(i))) await sleep(5);
          stats[mode].missed += spaces.reduce((a, _, i) => a + Math.max(0, want(i) - (seenCount.get(`${i}:${s}`) ?? 0)), 0);
          await sleep(50);
        }
      }
      const committedAt = await changeTimes(ctx.platform, spaces, arrivals);
      const fromCommit = (mode: Mode) => arrivals.filter((a) => a.mode === mode).map((a) => a.atEpochMs - committedAt.get(`${a.ws}:${a.rv}`)!);
      const rows = (['burst', 'spread'] as Mode[]).map((mode) => {
        const st = stats[mode];
        const commit = percentiles(fromCommit(mode));
        const lat = percentiles(st.latencies);
        const since = percentiles(st.sinceResponse);
        const wr = percentiles(st.writes);
        return {
          mode, lat, since, wr, commit,
          row: [mode, wsCount, all.length, rounds, st.latencies.length, st.missed, commit.p50, commit.p95, commit.p99, commit.max, lat.p50, lat.p99, since.p50, since.p99, wr.p50, wr.p99, `${rssBefore} -> ${rssWatching}`],
        };
      });
      const t = table(
        ['writes', 'workspaces', 'watchers', 'rounds', 'events', 'missed', 'commit->event p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'send->event p50 ms', 'p99 ms', 'response->event p50 ms', 'p99 ms', 'write p50 ms', 'write p99 ms', 'apiserver RSS MiB (before->watching)'],
        rows.map((r) => r.row),
      );
      return {
        scenario: 'watch-fanout',
        data: {
          workspaces: wsCount,
          watchers: all.length,
          rounds,
          modes: Object.fromEntries(rows.map((r) => [r.mode, { events: stats[r.mode].latencies.length, missed: stats[r.mode].missed, commitToEvent: r.commit, sendToEvent: r.lat, responseToEvent: r.since, write: r.wr }])),
          rssBeforeMiB: rssBefore,
          rssWatchingMiB: rssWatching,
        },
        table: t,
        markdown: [
          '## Setup', '',
          `${all.length} watch streams (HTTPS, one connection each) over ${wsCount} workspaces (${perWs} per workspace), each from the list's resourceVersion. ` +
            `${rounds} rounds of one JSON merge patch per workspace, first with all workspaces written at once (burst), then paced evenly over one second per round (spread, ${wsCount} writes/s); the bench waits for every watcher (5 s cap) before the next round. ` +
            "commit->event is measured from the change-log row's PostgreSQL timestamp (when the row was written, just before its transaction commits; since session 8: until then it was the start of the transaction, which the apiserver's group commit may share among many writes, so the figure included the time it took to run the writes before this one) to the event's arrival, same machine clock. " +
            'send->event is measured from just before the PATCH is sent (it adds the write\'s own queueing); response->event can be negative when the event beats the HTTP response. Scale with BENCH_WATCHERS and BENCH_WATCH_WORKSPACES.',
          '', t, '',
        ].join('\n'),
      };
    } finally {
      for (const w of all) w.close();
      for (const a of agents) a.destroy();
      for (const ws of spaces) ws.agent.destroy();
    }
  },
};
