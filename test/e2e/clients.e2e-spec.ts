import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { kubeRequest, TestWorkspace, usePlatformSuite, waitFor } from '@kplane/testing';

const PYTHON = '/usr/bin/python3';

/**
 * A minimal Lease-based leader elector written against @kubernetes/client-node, as controllers
 * do it: acquire or renew with optimistic concurrency, take over once the holder's lease expires.
 */
class LeaseElector {
  leading = false;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  constructor(private readonly api: k8s.CoordinationV1Api, private readonly id: string, private readonly ns: string, private readonly durationSeconds = 2) {}

  start(): void {
    const tick = () =>
      void this.tryAcquireOrRenew().finally(() => {
        if (this.stopped) this.leading = false;
        else this.timer = setTimeout(tick, 300);
      });
    tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.leading = false;
  }

  private async tryAcquireOrRenew(): Promise<void> {
    const now = new Date();
    const spec = { holderIdentity: this.id, leaseDurationSeconds: this.durationSeconds, renewTime: now as unknown as k8s.V1MicroTime };
    try {
      const lease = await this.api.readNamespacedLease({ name: 'leader', namespace: this.ns });
      const holder = lease.spec?.holderIdentity;
      const renewed = lease.spec?.renewTime ? new Date(lease.spec.renewTime as unknown as string).getTime() : 0;
      const expired = renewed + (lease.spec?.leaseDurationSeconds ?? 0) * 1000 < now.getTime();
      if (holder !== this.id && !expired) {
        this.leading = false;
        return;
      }
      lease.spec = { ...lease.spec, ...spec, acquireTime: holder === this.id ? lease.spec?.acquireTime : (now as unknown as k8s.V1MicroTime) };
      await this.api.replaceNamespacedLease({ name: 'leader', namespace: this.ns, body: lease });
      this.leading = true;
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code === 404) {
        try {
          await this.api.createNamespacedLease({ namespace: this.ns, body: { metadata: { name: 'leader' }, spec: { ...spec, acquireTime: now as unknown as k8s.V1MicroTime } } });
          this.leading = true;
        } catch {
          this.leading = false; // the other contender created it first
        }
        return;
      }
      this.leading = false; // 409 Conflict: someone else renewed first
    }
  }
}

/** kplane_apiserver_batched_writes_total of the suite's apiserver. */
async function batchedWrites(ws: TestWorkspace): Promise<number> {
  const metrics = await kubeRequest(ws, 'GET', '/metrics', { rawPath: true, token: null });
  return Number(/^kplane_apiserver_batched_writes_total\{[^}]*\} (\d+)$/m.exec(metrics.text)![1]);
}

describe('other Kubernetes clients', () => {
  const suite = usePlatformSuite('clients', ['c1']);
  let ws: TestWorkspace;

  beforeAll(async () => {
    ws = suite.workspace('c1');
    expect((await kubeRequest(ws, 'POST', '/api/v1/namespaces', { body: { metadata: { name: 'apps' } } })).status).toBe(201);
  });

  it('client-node writes sent at once to one workspace each get their own answer, committed together', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(ws.kubeconfigYaml);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const batchedBefore = await batchedWrites(ws);
    const names = Array.from({ length: 40 }, (_, i) => `burst-${i}`);
    // One name twice: exactly one of the two creates wins, the other gets AlreadyExists.
    const creates = await Promise.allSettled([...names, 'burst-0'].map((name) => core.createNamespacedConfigMap({ namespace: 'apps', body: { metadata: { name }, data: { name } } })));
    const created = creates.filter((r): r is PromiseFulfilledResult<k8s.V1ConfigMap> => r.status === 'fulfilled').map((r) => r.value);
    const refused = creates.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(created).toHaveLength(40);
    expect(refused.map((r) => (r.reason as { code?: number }).code)).toEqual([409]);
    expect(new Set(created.map((c) => c.metadata!.resourceVersion)).size).toBe(40);
    const patched = await Promise.all(
      names.map((name) => core.patchNamespacedConfigMap({ name, namespace: 'apps', body: { data: { patched: 'yes' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch))),
    );
    expect(patched.every((c, i) => c.data?.patched === 'yes' && c.data?.name === names[i])).toBe(true);
    const listed = await core.listNamespacedConfigMap({ namespace: 'apps' });
    expect(listed.items.filter((c) => c.metadata!.name!.startsWith('burst-') && c.data?.patched === 'yes')).toHaveLength(40);
    // The apiserver's write gate committed some of them together (two transactions per workspace at once).
    expect(await batchedWrites(ws)).toBeGreaterThan(batchedBefore);
  });

  it('elects exactly one leader among two client-node contenders, and fails over', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(ws.kubeconfigYaml);
    const api = kc.makeApiClient(k8s.CoordinationV1Api);
    const a = new LeaseElector(api, 'a', 'apps');
    const b = new LeaseElector(api, 'b', 'apps');
    a.start();
    b.start();
    try {
      await waitFor('a leader', async () => a.leading || b.leading, { timeoutMs: 10_000 });
      for (let i = 0; i < 10; i++) {
        expect(a.leading && b.leading).toBe(false);
        await new Promise((r) => setTimeout(r, 200));
      }
      const [leader, follower] = a.leading ? [a, b] : [b, a];
      leader.stop();
      await waitFor('failover', async () => follower.leading, { timeoutMs: 10_000 });
      const lease = await api.readNamespacedLease({ name: 'leader', namespace: 'apps' });
      expect(lease.spec?.holderIdentity).toBe(follower === a ? 'a' : 'b');
      expect(String(lease.spec?.renewTime)).toBeTruthy();
    } finally {
      a.stop();
      b.stop();
    }
  });

  it('serves the Debian python3-kubernetes client: a selective list and a watch with a timeout', async () => {
    for (const [name, app] of [['py1', 'py'], ['py2', 'py'], ['other', 'x']]) {
      expect((await kubeRequest(ws, 'POST', '/api/v1/namespaces/apps/configmaps', { body: { metadata: { name, labels: { app } } } })).status).toBe(201);
    }
    const script = resolve(__dirname, 'fixtures', 'python-client.py');
    const out = await new Promise<string>((done, fail) =>
      execFile(PYTHON, [script, ws.kubeconfigPath, 'apps'], { timeout: 60_000 }, (err, stdout, stderr) => (err ? fail(new Error(`${err.message}\n${stderr}`)) : done(stdout))),
    );
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result.listed).toEqual(['py1', 'py2']);
    // No resourceVersion: synthetic ADDED events for the current state, then the stream ends.
    expect(result.events.sort()).toEqual([
      ['ADDED', 'py1'],
      ['ADDED', 'py2'],
    ]);
  });
});
