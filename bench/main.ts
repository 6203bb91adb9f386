// `npm run bench [-- <scenario>...]`: starts the platform (own database), runs the named
// scenarios (all without arguments), prints a table per scenario and writes
// bench/results/<scenario>-<timestamp>.json and bench/results/<scenario>-latest.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, startBenchPlatform } from './lib/platform';
import { SCENARIOS } from './scenarios';

const log = (msg: string) => process.stderr.write(`${msg}\n`);

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const unknown = args.filter((a) => !SCENARIOS.some((s) => s.name === a));
  if (unknown.length) {
    log(`unknown scenario(s): ${unknown.join(', ')}; available: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const selected = args.length ? SCENARIOS.filter((s) => args.includes(s.name)) : SCENARIOS;
  const resultsDir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const env = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', memoryGiB: Math.round(totalmem() / 2 ** 30) };

  log('starting the platform (own database)...');
  const platform = await startBenchPlatform();
  let exitCode = 0;
  const onSignal = () => void platform.stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // A crash must not leave the apps running (they hold ports and the bench database).
  process.once('uncaughtException', (err) => {
    log(`bench crashed: ${err.stack ?? err}`);
    void platform.stop().finally(() => process.exit(1));
  });
  try {
    for (const s of selected) {
      log(`== ${s.name}: ${s.description}`);
      const startedAt = new Date();
      try {
        await platform.settle();
        const r = await s.run({ platform, log });
        const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
        // A profiled run (BENCH_CPU_PROF set) is slower, a run with a warm pool measures another
        // configuration: keep them apart from the reference results.
        const warmPool = Number(process.env.KPLANE_SPARE_WORKSPACES ?? 0) > 0;
        const suffix = (process.env.BENCH_CPU_PROF ? '-profiled' : '') + (warmPool ? '-warm-pool' : '');
        const json = join(resultsDir, `${s.name}${suffix}-${stamp}.json`);
        writeFileSync(json, JSON.stringify({ scenario: s.name, startedAt: startedAt.toISOString(), env, ...r.data }, null, 2) + '\n');
        const md = join(resultsDir, `${s.name}${suffix}-latest.md`);
        writeFileSync(
          md,
          [
            `# Benchmark: ${s.name}`,
            '',
            `${s.description}.`,
            '',
            `Run ${startedAt.toISOString()} on ${env.cpus} × ${env.cpuModel}, ${env.memoryGiB} GiB RAM, Node ${env.node}; ` +
              'API server, management API and worker as built processes, PostgreSQL and Redis local.',
            '',
            r.markdown,
          ].join('\n'),
        );
        process.stdout.write(`\n${s.name}\n${r.table}\n\nwrote ${json}\nwrote ${md}\n`);
      } catch (err) {
        exitCode = 1;
        log(`scenario ${s.name} failed: ${(err as Error).stack ?? err}\n--- platform output (tail) ---\n${platform.logs().slice(-4000)}`);
      }
    }
  } finally {
    log('stopping the platform and dropping the bench database...');
    await platform.stop();
  }
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`bench failed: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
