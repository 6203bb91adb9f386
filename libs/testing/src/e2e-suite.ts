import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropWorkspaceRoles } from './databases';
import { kubectl, KubectlResult } from './kubectl';
import { RunningPlatform, startPlatform } from './platform';
import { adminApi, provisionWorkspace, TestWorkspace } from './workspace-fixture';

/** The kubectl binaries the end-to-end suites run: the newest we have and the oldest we support. */
export const KUBECTL_VERSIONS: [string, string][] = [
  ['1.32', '/usr/bin/kubectl'],
  ['1.27', '/usr/lib/google-cloud-sdk/bin/kubectl.1.27'],
];

export interface PlatformSuite {
  readonly platform: RunningPlatform;
  readonly dir: string;
  readonly tenant: string;
  workspace(name: string): TestWorkspace;
}

/**
 * Registers beforeAll/afterAll for a spec file: a platform of its own, a tenant with the named
 * workspaces provisioned through the REST API, and full cleanup (DeleteTenant, roles, database).
 */
export function usePlatformSuite(prefix: string, workspaces: string[], env: Record<string, string> = {}): PlatformSuite {
  const tenant = `${prefix}-${Date.now().toString(36)}`;
  const state: { platform?: RunningPlatform; dir?: string; ws: Map<string, TestWorkspace> } = { ws: new Map() };
  beforeAll(async () => {
    state.dir = mkdtempSync(join(tmpdir(), `kplane-${prefix}-`));
    state.platform = await startPlatform(env);
    for (const name of workspaces) state.ws.set(name, await provisionWorkspace(state.platform, tenant, name, state.dir));
  }, 120_000);
  afterAll(async () => {
    if (state.platform) await adminApi(state.platform, 'DELETE', `/v1/tenants/${tenant}`).catch(() => undefined);
    await state.platform?.stop();
    await dropWorkspaceRoles(state.platform?.database.url);
    await state.platform?.database.drop();
    if (state.dir) rmSync(state.dir, { recursive: true, force: true });
  }, 60_000);
  return {
    tenant,
    get platform() {
      return state.platform!;
    },
    get dir() {
      return state.dir!;
    },
    workspace(name) {
      const ws = state.ws.get(name);
      if (!ws) throw new Error(`workspace ${name} was not provisioned`);
      return ws;
    },
  };
}

export interface KubectlRunner {
  run(args: string[], opts?: { stdin?: string; token?: string; env?: Record<string, string> }): Promise<KubectlResult>;
  ok(args: string[], opts?: { stdin?: string; token?: string; env?: Record<string, string> }): Promise<string>;
}

/** A kubectl of one version against one workspace, with a discovery cache of its own. */
export function kubectlFor(ws: () => TestWorkspace, dir: () => string, version: string, bin: string, cache = 'default'): KubectlRunner {
  const run: KubectlRunner['run'] = (args, opts = {}) =>
    kubectl(ws().kubeconfigPath, [...(opts.token ? ['--token', opts.token] : []), ...args], {
      stdin: opts.stdin,
      cacheDir: join(dir(), `cache-${version}-${cache}`),
      bin,
      env: opts.env,
    });
  return {
    run,
    async ok(args, opts) {
      const r = await run(args, opts);
      if (r.code !== 0) throw new Error(`kubectl ${version} ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
      return r.stdout;
    },
  };
}
