// POST -> the first successful call of the real kubectl, as a new user makes it: the kubeconfig
// from the management API, a fresh discovery cache, `kubectl get configmaps` retried until it
// succeeds. One workspace at a time: a kubectl process costs ~0.1 s of CPU, which would distort a
// burst's own figures on 2 cores (the bursts measure their first call over HTTPS instead).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchPlatform } from './platform';
import { percentiles } from './stats';
import { sleep } from './util';
import { createReadyWorkspace, kubeconfigOf } from './workspace';

const run = promisify(execFile);

export interface FirstKubectl {
  kubectl: string;
  version: string;
  samples: number;
  /** POST -> Ready, POST -> kubectl's first success, and that kubectl run alone, in ms. */
  ready: ReturnType<typeof percentiles>;
  firstKubectl: ReturnType<typeof percentiles>;
  kubectlRun: ReturnType<typeof percentiles>;
}

/** The kubectl to run (BENCH_KUBECTL, else /usr/bin/kubectl), or null when there is none. */
export function kubectlBinary(): string | null {
  const bin = process.env.BENCH_KUBECTL ?? '/usr/bin/kubectl';
  return existsSync(bin) ? bin : null;
}

export async function measureFirstKubectl(p: BenchPlatform, kubectl: string, tenant: string, samples: number): Promise<FirstKubectl> {
  const dir = mkdtempSync(join(tmpdir(), 'kplane-bench-kubectl-'));
  const ready: number[] = [];
  const first: number[] = [];
  const runs: number[] = [];
  try {
    const version = JSON.parse((await run(kubectl, ['version', '--client', '-o', 'json'])).stdout).clientVersion.gitVersion as string;
    for (let i = 0; i < samples; i++) {
      const name = `kubectl-${i}`;
      const start = performance.now();
      await createReadyWorkspace(p, tenant, name);
      ready.push(performance.now() - start);
      const kubeconfig = join(dir, `${name}.yaml`);
      writeFileSync(kubeconfig, await kubeconfigOf(p, tenant, name));
      for (;;) {
        const t = performance.now();
        const ok = await run(kubectl, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, `cache-${i}`), 'get', 'configmaps', '-n', 'default', '-o', 'name'], { timeout: 30_000 }).then(
          () => true,
          () => false,
        );
        if (ok) {
          runs.push(performance.now() - t);
          break;
        }
        if (performance.now() - start > 120_000) throw new Error(`kubectl never succeeded against ${name}`);
        await sleep(20); // as the bursts' HTTPS probe: a kubectl refused at once is not re-spawned in a tight loop
      }
      first.push(performance.now() - start);
    }
    return { kubectl, version, samples, ready: percentiles(ready), firstKubectl: percentiles(first), kubectlRun: percentiles(runs) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
