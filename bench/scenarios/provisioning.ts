// provisioning: K workspaces requested at once (BENCH_PROVISION_COUNTS, default 1,50,500, the
// issue's steps). Per workspace: POST -> Ready (long-poll ?waitFor=Ready) and POST ->
// first successful list over HTTPS (kubeconfig fetched, then GET .../configmaps retried until
// 200, as a kubectl call right after creation would). Workspaces/s = K / (last Ready - first
// POST). Postgres catalog growth (pg_catalog heap+index size, pg_class rows, database size) and
// apiserver RSS growth per idle workspace (after every workspace served one list, 3 s idle).
// With KPLANE_SPARE_WORKSPACES=N (the warm pool) each step starts once N spares are Ready.
// Then BENCH_KUBECTL_SAMPLES (5) workspaces one at a time, each to the first success of the real
// kubectl (bench/lib/first-kubectl.ts). Then BENCH_PROVISION_STEPS (100) workspaces step by step,
// CPU per step and process (bench/lib/provisioning-steps.ts).
import { randomBytes } from 'node:crypto';
import type { Scenario, ScenarioResult } from '../lib/scenario';
import { cpuMsPer, percentiles, platformCpuMs, rssMiB, table } from '../lib/stats';
import { adminPool, envInt, envIntList, sleep, waitFor } from '../lib/util';
import { createReadyWorkspace, ensureTenant, kubeRequest, workspaceAccess } from '../lib/workspace';
import { FirstKubectl, kubectlBinary, measureFirstKubectl } from '../lib/first-kubectl';
import { measureProvisioningSteps, ProvisioningStepCost } from '../lib/provisioning-steps';

/** Clients at once in the step-by-step measurement (a handful of onboarding scripts). */
const STEP_CONCURRENCY = 10;
const sum = (cpu: Record<string, number>) => Math.round(Object.values(cpu).reduce((a, b) => a + b, 0) * 10) / 10;

interface Step {
  count: number;
  ready: ReturnType<typeof percentiles>;
  firstList: ReturnType<typeof percentiles>;
  wallS: number;
  workspacesPerSecond: number;
  sparesAtStart: number;
  /** CPU time per workspace from first POST to last Ready, by process (bench = this load generator). */
  cpuMsPerWorkspace: Record<string, number>;
  failures: number;
  catalogKiBPerWorkspace: number;
  pgClassRowsPerWorkspace: number;
  databaseKiBPerWorkspace: number;
  apiserverRssBeforeMiB: number;
  apiserverRssAfterMiB: number;
  apiserverKiBPerIdleWorkspace: number;
}

async function catalog(pool: ReturnType<typeof adminPool>) {
  const { rows } = await pool.query<{ cat: string; rels: number; db: string }>(
    `SELECT (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = 'pg_catalog' AND c.relkind = 'r')::text AS cat,
            (SELECT count(*) FROM pg_class)::int AS rels,
            pg_database_size(current_database())::text AS db`,
  );
  return { cat: Number(rows[0].cat), rels: rows[0].rels, db: Number(rows[0].db) };
}

/** Waits (up to 2 min) until the warm pool holds `target` Ready spares; returns how many it holds. */
async function warmPoolFull(pool: ReturnType<typeof adminPool>, target: number): Promise<number> {
  const ready = async () => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM kplane.spare_workspaces WHERE state = 'Ready'`)).rows[0].n;
  if (target > 0) await waitFor(`${target} Ready spares`, async () => (await ready()) >= target, 120_000).catch(() => undefined);
  return ready();
}

export const provisioning: Scenario = {
  name: 'provisioning',
  description: 'K workspaces requested at once: POST->Ready, POST->first successful list, workspaces/s, catalog and apiserver memory per idle workspace',
  async run(ctx): Promise<ScenarioResult> {
    const counts = envIntList('BENCH_PROVISION_COUNTS', [1, 50, 500]);
    const pid = ctx.platform.pid('apiserver');
    const pool = adminPool(ctx.platform);
    const spareTarget = Number(process.env.KPLANE_SPARE_WORKSPACES ?? 0);
    const steps: Step[] = [];
    let kubectlStep: FirstKubectl | null = null;
    let stepCosts: ProvisioningStepCost[] = [];
    const stepCount = envInt('BENCH_PROVISION_STEPS', 100, 0);
    const stepWorkspaces = spareTarget > 0 ? Math.min(stepCount, spareTarget) : stepCount;
    const kubectl = kubectlBinary();
    try {
      for (const count of counts) {
        const tenant = `prov-${count}-${randomBytes(3).toString('hex')}`;
        await ensureTenant(ctx.platform, tenant);
        const sparesAtStart = await warmPoolFull(pool, spareTarget);
        const cat0 = await catalog(pool);
        const rss0 = rssMiB(pid);
        const cpu0 = platformCpuMs(ctx.platform);
        const t0 = performance.now();
        let failures = 0;
        const results = await Promise.all(
          Array.from({ length: count }, async (_, i) => {
            const name = `ws-${i}`;
            const start = performance.now();
            try {
              const id = await createReadyWorkspace(ctx.platform, tenant, name);
              const readyAt = performance.now();
              const ws = await workspaceAccess(ctx.platform, tenant, name, id, readyAt - start, 2);
              for (;;) {
                const l = await kubeRequest(ws, 'GET', '/api/v1/namespaces/default/configmaps', { parse: false }).catch(() => ({ status: 0 }));
                if (l.status === 200) break;
                if (performance.now() - start > 120_000) throw new Error(`no successful list: ${l.status}`);
                await sleep(20);
              }
              const listAt = performance.now();
              ws.agent.destroy();
              return { ready: readyAt - start, firstList: listAt - start, readyAt };
            } catch (err) {
              failures++;
              ctx.log(`  ${name}: ${(err as Error).message}`);
              return undefined;
            }
          }),
        );
        const cpuMsPerWorkspace = Object.fromEntries(Object.entries(cpuMsPer(cpu0, platformCpuMs(ctx.platform), count)).map(([k, v]) => [k, Math.round(v)]));
        const ok = results.filter((r): r is NonNullable<typeof r> => !!r);
        const wallS = (Math.max(...ok.map((r) => r.readyAt)) - t0) / 1000;
        await sleep(3000);
        const cat1 = await catalog(pool);
        const rss1 = rssMiB(pid);
        const step: Step = {
          count,
          ready: percentiles(ok.map((r) => r.ready)),
          firstList: percentiles(ok.map((r) => r.firstList)),
          wallS: Math.round(wallS * 100) / 100,
          sparesAtStart,
          cpuMsPerWorkspace,
          workspacesPerSecond: Math.round((ok.length / wallS) * 10) / 10,
          failures,
          catalogKiBPerWorkspace: Math.round((cat1.cat - cat0.cat) / 1024 / count),
          pgClassRowsPerWorkspace: Math.round((cat1.rels - cat0.rels) / count),
          databaseKiBPerWorkspace: Math.round((cat1.db - cat0.db) / 1024 / count),
          apiserverRssBeforeMiB: rss0,
          apiserverRssAfterMiB: rss1,
          apiserverKiBPerIdleWorkspace: Math.round(((rss1 - rss0) * 1024) / count),
        };
        ctx.log(`  ${count} at once (${sparesAtStart} spares): Ready p50 ${step.ready.p50} p95 ${step.ready.p95} ms; first list p95 ${step.firstList.p95} ms; ${step.workspacesPerSecond} ws/s; ${failures} failed`);
        steps.push(step);
      }
      const samples = envInt('BENCH_KUBECTL_SAMPLES', 5, 0);
      if (kubectl && samples > 0) {
        const tenant = `prov-kubectl-${randomBytes(3).toString('hex')}`;
        await ensureTenant(ctx.platform, tenant);
        await warmPoolFull(pool, spareTarget);
        kubectlStep = await measureFirstKubectl(ctx.platform, kubectl, tenant, samples);
        ctx.log(`  real kubectl (${kubectlStep.version}), ${samples} workspaces one at a time: POST->first success p50 ${kubectlStep.firstKubectl.p50} p95 ${kubectlStep.firstKubectl.p95} ms (the kubectl run itself p50 ${kubectlStep.kubectlRun.p50} ms)`);
      } else if (!kubectl) {
        ctx.log('  no kubectl at BENCH_KUBECTL or /usr/bin/kubectl: the real-kubectl step is skipped');
      }
      if (stepWorkspaces > 0) {
        const tenant = `prov-steps-${randomBytes(3).toString('hex')}`;
        await ensureTenant(ctx.platform, tenant);
        await warmPoolFull(pool, spareTarget);
        // With a warm pool, as many as it holds: each is then provisioned from a spare.
        stepCosts = await measureProvisioningSteps(ctx.platform, tenant, stepWorkspaces, STEP_CONCURRENCY, () => warmPoolFull(pool, spareTarget));
        ctx.log(`  ${stepWorkspaces} workspaces step by step: CPU ms per workspace ${stepCosts.map((c) => `${c.step.split(' ')[0]} ${sum(c.cpuMs)}`).join(', ')}`);
      }
    } finally {
      await pool.end();
    }
    const t = table(
      ['at once', 'spares ready', 'failed', 'POST->Ready p50 ms', 'p95 ms', 'POST->first list p50 ms', 'p95 ms', 'wall s', 'workspaces/s', 'CPU ms/ws api+worker+apiserver+pg+bench', 'pg_catalog KiB/ws', 'pg_class rows/ws', 'DB KiB/ws', 'apiserver RSS MiB before->after', 'apiserver KiB/idle ws'],
      steps.map((s) => [
        s.count, s.sparesAtStart, s.failures, s.ready.p50, s.ready.p95, s.firstList.p50, s.firstList.p95, s.wallS, s.workspacesPerSecond,
        Object.values(s.cpuMsPerWorkspace).join('+'),
        s.catalogKiBPerWorkspace, s.pgClassRowsPerWorkspace, s.databaseKiBPerWorkspace, `${s.apiserverRssBeforeMiB} -> ${s.apiserverRssAfterMiB}`, s.apiserverKiBPerIdleWorkspace,
      ]),
    );
    const kubectlTable = kubectlStep
      ? table(
          ['kubectl', 'workspaces (one at a time)', 'POST->Ready p50 ms', 'p95 ms', 'POST->first kubectl success p50 ms', 'p95 ms', 'that kubectl run p50 ms', 'p95 ms'],
          [[kubectlStep.version, kubectlStep.samples, kubectlStep.ready.p50, kubectlStep.ready.p95, kubectlStep.firstKubectl.p50, kubectlStep.firstKubectl.p95, kubectlStep.kubectlRun.p50, kubectlStep.kubectlRun.p95]],
        )
      : '(no kubectl found: BENCH_KUBECTL or /usr/bin/kubectl)';
    const stepsTable = table(
      ['step (each for all K workspaces in turn)', 'wall ms', 'CPU ms/ws api', 'worker', 'apiserver', 'postgres', 'bench', 'all'],
      stepCosts.map((c) => [c.step, c.wallMs, c.cpuMs.api, c.cpuMs.worker, c.cpuMs.apiserver, c.cpuMs.postgres, c.cpuMs.bench, sum(c.cpuMs)]),
    );
    return {
      scenario: 'provisioning',
      data: { counts, steps, kubectl: kubectlStep, stepCosts },
      table: `${t}\n\n${kubectlTable}${stepCosts.length ? `\n\n${stepsTable}` : ''}`,
      markdown: [
        '## Setup', '',
        `Warm pool: ${spareTarget > 0 ? `KPLANE_SPARE_WORKSPACES=${spareTarget} (each step starts with the pool full)` : 'off (KPLANE_SPARE_WORKSPACES=0, the default)'}. ` +
          'Each step: one new tenant, K POST /v1/tenants/<t>/workspaces sent at once, each followed by a long-poll until Ready, the kubeconfig, and a ' +
          'GET /api/v1/namespaces/default/configmaps retried every 20 ms until 200. Management API rate limit raised for the bench. ' +
          'Catalog and memory deltas are after the step and 3 s idle, divided by K; apiserver RSS deltas are noisy (V8 heap growth is not per workspace) and only meaningful for large K.',
        '', t, '',
        '## First call of the real kubectl', '',
          'Workspaces created one at a time; each gets its kubeconfig from the management API and a fresh discovery cache, and ' +
          '`kubectl get configmaps -n default` runs until it succeeds (what a new user does right after creating a workspace). ' +
          'The kubectl run includes its start, discovery and TLS handshakes.',
        '', kubectlTable, '',
        ...(stepCosts.length
          ? [
              '## Where the CPU goes, step by step', '',
              `${stepWorkspaces} workspaces (one new tenant) taken through each step of a provisioning in turn, ${STEP_CONCURRENCY} at a time, the other steps quiet` +
                `${spareTarget > 0 ? ', each step starting with the warm pool full' : ''}: ` +
                'the POSTs with the lifecycle queue paused, then the worker\'s jobs, the long-poll of a Ready workspace, the kubeconfig, and two lists. ' +
                'CPU per workspace by process; the burst steps above overlap all of these.',
              '', stepsTable, '',
            ]
          : []),
      ].join('\n'),
    };
  },
};
