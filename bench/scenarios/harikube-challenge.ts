// harikube-challenge (issue 8 §1): the Kubernetes performance challenge workload HariKube
// published. Six cluster-scoped CRDs shaped like cloud-infrastructure managed resources
// (addresses, firewalls, globaladdresses, networks, routers, subnetworks; our own definitions,
// specs of a few hundred bytes). Each virtual user loops: create one of each kind (unique name,
// label name=<name>), then a cluster-wide list ?labelSelector=name=<name> of each kind: 12
// sequential requests per iteration, all in one workspace, checking 201 and 200 (and exactly one
// item). Runs at BENCH_HARIKUBE_USERS (default 20,120) users for BENCH_DURATION seconds each
// (default 60; the published runs lasted an hour: BENCH_DURATION=3600). Our own client code:
// one keep-alive HTTPS agent with as many sockets as users.
import { randomBytes } from 'node:crypto';
import { workspaceSchemaName } from '@kplane/store';
import { createCrdAndWait } from '../lib/crd';
import type { Scenario, ScenarioResult } from '../lib/scenario';
import { cpuMsPer, MemorySampler, percentiles, platformCpuMs, table } from '../lib/stats';
import { adminPool, envInt, envIntList, postgresBackendPids } from '../lib/util';
import { kubeRequest, provisionWorkspace } from '../lib/workspace';

const GROUP = 'compute.gcp.bench.kplane.io';

const KINDS = [
  { kind: 'Address', plural: 'addresses' },
  { kind: 'Firewall', plural: 'firewalls' },
  { kind: 'GlobalAddress', plural: 'globaladdresses' },
  { kind: 'Network', plural: 'networks' },
  { kind: 'Router', plural: 'routers' },
  { kind: 'Subnetwork', plural: 'subnetworks' },
];

function crdFor(k: { kind: string; plural: string }) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${k.plural}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Cluster',
      names: { plural: k.plural, singular: k.kind.toLowerCase(), kind: k.kind, listKind: `${k.kind}List`, categories: ['managed', 'gcp'] },
      versions: [
        {
          name: 'v1beta1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    deletionPolicy: { type: 'string', enum: ['Orphan', 'Delete'] },
                    managementPolicies: { type: 'array', items: { type: 'string' } },
                    providerConfigRef: { type: 'object', properties: { name: { type: 'string' } } },
                    forProvider: {
                      type: 'object',
                      properties: {
                        project: { type: 'string' },
                        region: { type: 'string' },
                        description: { type: 'string' },
                        network: { type: 'string' },
                        ipCidrRange: { type: 'string' },
                        addressType: { type: 'string' },
                        priority: { type: 'integer' },
                        labels: { type: 'object', additionalProperties: { type: 'string' } },
                      },
                    },
                  },
                },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  };
}

function resourceBody(kind: string, name: string) {
  return {
    apiVersion: `${GROUP}/v1beta1`,
    kind,
    metadata: { name, labels: { name } },
    spec: {
      deletionPolicy: 'Delete',
      managementPolicies: ['*'],
      providerConfigRef: { name: 'default' },
      forProvider: {
        project: 'kplane-bench-project',
        region: 'europe-west3',
        description: `benchmark ${kind} managed by the harikube challenge workload`,
        network: 'projects/kplane-bench-project/global/networks/bench-vpc',
        ipCidrRange: '10.32.0.0/20',
        addressType: 'INTERNAL',
        priority: 1000,
        labels: { team: 'platform', env: 'bench', owner: 'kplane' },
      },
    },
  };
}

interface Phase {
  users: number;
  durationS: number;
  requests: number;
  iterations: number;
  errors: number;
  errorSamples: string[];
  rps: number;
  latency: ReturnType<typeof percentiles>;
  create: ReturnType<typeof percentiles>;
  list: ReturnType<typeof percentiles>;
  p95ByWindow: number[];
  objectsStored: number;
  memory: Awaited<ReturnType<MemorySampler['stop']>>;
  cpuMsPerRequest: Record<string, number>;
}

export const harikubeChallenge: Scenario = {
  name: 'harikube-challenge',
  description: 'HariKube challenge: N virtual users loop create-6-kinds + 6 cluster-wide label lists (12 requests) on six cluster-scoped CRDs in one workspace',
  async run(ctx): Promise<ScenarioResult> {
    const userSteps = envIntList('BENCH_HARIKUBE_USERS', [20, 120]);
    const durationS = envInt('BENCH_DURATION', 60);
    const windowS = Math.max(5, Math.round(durationS / 12));
    const ws = await provisionWorkspace(ctx.platform, `bench-${randomBytes(3).toString('hex')}`, 'harikube', Math.max(...userSteps));
    for (const k of KINDS) await createCrdAndWait(ws, crdFor(k));
    const pool = adminPool(ctx.platform);
    const phases: Phase[] = [];
    try {
      for (const users of userSteps) {
        const sampler = new MemorySampler(ctx.platform.pid('apiserver'), () => postgresBackendPids(pool, ctx.platform.databaseName)).start();
        const all: number[] = [];
        const creates: number[] = [];
        const lists: number[] = [];
        const windows: number[][] = [];
        let errors = 0;
        const errorSamples: string[] = [];
        let iterations = 0;
        const cpu0 = platformCpuMs(ctx.platform);
        const started = performance.now();
        const deadline = started + durationS * 1000;
        const record = (arr: number[], ms: number, at: number) => {
          arr.push(ms);
          all.push(ms);
          (windows[Math.floor((at - started) / (windowS * 1000))] ??= []).push(ms);
        };
        const fail = (msg: string) => {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(msg);
        };
        const vu = async (u: number) => {
          let i = 0;
          while (performance.now() < deadline) {
            const names = KINDS.map((k) => `${k.plural.slice(0, 4)}-u${users}-${u}-${i}-${randomBytes(3).toString('hex')}`);
            for (let k = 0; k < KINDS.length; k++) {
              const t = performance.now();
              try {
                const r = await kubeRequest(ws, 'POST', `/apis/${GROUP}/v1beta1/${KINDS[k].plural}`, { body: resourceBody(KINDS[k].kind, names[k]), parse: false });
                record(creates, performance.now() - t, t);
                if (r.status !== 201) fail(`create ${KINDS[k].plural}: ${r.status}`);
              } catch (err) {
                fail(`create: ${(err as Error).message}`);
              }
            }
            for (let k = 0; k < KINDS.length; k++) {
              const t = performance.now();
              try {
                const r = await kubeRequest(ws, 'GET', `/apis/${GROUP}/v1beta1/${KINDS[k].plural}?labelSelector=name%3D${names[k]}`);
                record(lists, performance.now() - t, t);
                if (r.status !== 200) fail(`list ${KINDS[k].plural}: ${r.status}`);
                else if (r.body?.items?.length !== 1) fail(`list ${KINDS[k].plural}: ${r.body?.items?.length} items`);
              } catch (err) {
                fail(`list: ${(err as Error).message}`);
              }
            }
            i++;
            iterations++;
          }
        };
        ctx.log(`  ${users} users for ${durationS} s...`);
        await Promise.all(Array.from({ length: users }, (_, u) => vu(u)));
        const elapsedS = (performance.now() - started) / 1000;
        const cpuMsPerRequest = cpuMsPer(cpu0, platformCpuMs(ctx.platform), all.length);
        const memory = await sampler.stop();
        const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${workspaceSchemaName(ws.id)}".objects WHERE resource LIKE '%.${GROUP}'`);
        const p: Phase = {
          users,
          durationS: Math.round(elapsedS * 10) / 10,
          requests: all.length,
          iterations,
          errors,
          errorSamples,
          rps: Math.round((all.length / elapsedS) * 10) / 10,
          latency: percentiles(all),
          create: percentiles(creates),
          list: percentiles(lists),
          p95ByWindow: windows.map((w) => percentiles(w ?? []).p95),
          objectsStored: rows[0].n,
          memory,
          cpuMsPerRequest,
        };
        ctx.log(`  ${users} users: ${p.rps} req/s, p50 ${p.latency.p50} p95 ${p.latency.p95} p99 ${p.latency.p99} ms, ${errors} errors, ${p.objectsStored} objects`);
        phases.push(p);
      }
    } finally {
      await pool.end();
    }
    const t = table(
      ['users', 's', 'requests', 'req/s', 'p50 ms', 'p90 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors', 'create p95', 'list p95', 'objects stored', 'apiserver peak RSS MiB', 'PG backends peak RSS (anon) MiB', 'CPU ms/request apiserver+pg+bench'],
      phases.map((p) => [
        p.users, p.durationS, p.requests, p.rps, p.latency.p50, p.latency.p90, p.latency.p95, p.latency.p99, p.latency.max, p.errors,
        p.create.p95, p.list.p95, p.objectsStored, p.memory.apiserverPeakRssMiB,
        `${p.memory.postgresPeakRssMiB} (${p.memory.postgresPeakAnonMiB}) / ${p.memory.postgresPeakBackends} backends`,
        [p.cpuMsPerRequest.apiserver, p.cpuMsPerRequest.postgres, p.cpuMsPerRequest.bench].join('+'),
      ]),
    );
    const w = table(['users', `p95 ms per ${windowS} s window`], phases.map((p) => [p.users, p.p95ByWindow.join(', ')]));
    return {
      scenario: 'harikube-challenge',
      data: { durationS, windowS, phases },
      table: `${t}\n\n${w}`,
      markdown: [
        '## Setup', '',
        `Six cluster-scoped CRDs (${KINDS.map((k) => k.plural).join(', ')}; group ${GROUP}), one workspace. Each virtual user loops 6 creates then 6 cluster-wide ` +
          '`?labelSelector=name=<name>` lists (12 sequential HTTPS requests, 201/200 and exactly one item checked). ' +
          `Phases: ${userSteps.join(', ')} users, ${durationS} s each, in that order on the same workspace (objects accumulate). ` +
          'Postgres memory: sum over the backends of the bench database (pg_stat_activity) of VmRSS (includes the shared buffers each touched) and RssAnon (private).',
        '', t, '', '### Flatness: p95 per window', '', w, '',
        'Anchor (HariKube, 18 cores, 6 Postgres servers): 119 req/s, p95 544 ms. Target here (2 cores, 1 Postgres): > 240 req/s at p95 < 100 ms.', '',
      ].join('\n'),
    };
  },
};
