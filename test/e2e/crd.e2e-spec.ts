import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { KUBECTL_VERSIONS, kubectl, kubectlFor, kubeRequest, usePlatformSuite, waitFor } from '@kplane/testing';

const CRD = readFileSync(resolve(__dirname, 'fixtures', 'widgets-crd.json'), 'utf8');

/** CustomResourceDefinitions end to end (issue 4), with the newest and the oldest kubectl. */
describe('custom resources', () => {
  const suite = usePlatformSuite('crd', ['crds']);
  const ws = () => suite.workspace('crds');
  const dir = () => suite.dir;

  describe.each(KUBECTL_VERSIONS)('kubectl %s', (version, bin) => {
    const ns = `crd${version.replace('.', '')}`;
    const k = kubectlFor(ws, dir, version, bin);
    const run = (args: string[], stdin?: string) => k.run(args, { stdin });
    const ok = (args: string[], stdin?: string) => k.ok(args, { stdin });
    const widget = (name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}) =>
      JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, namespace: ns, labels }, spec });

    beforeAll(async () => {
      await ok(['apply', '-f', '-'], CRD);
      await ok(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=30s']);
      await ok(['create', 'namespace', ns]);
    });

    it('serves the new kind in discovery, with short names and categories', async () => {
      const resources = await ok(['api-resources', '--api-group=example.com']);
      expect(resources).toMatch(/widgets\s+wd\s+example\.com\/v1\s+true\s+Widget/);
      await ok(['apply', '-f', '-'], widget('w1', { size: 'small', tags: ['a'] }, { team: 'blue' }));
      expect(await ok(['get', 'wd', '-n', ns, '-o', 'name'])).toContain('widget.example.com/w1');
      expect(await ok(['get', 'gadgets', '-n', ns, '-o', 'name'])).toContain('widget.example.com/w1');
    });

    it('applies defaults, prunes unknown fields, and refuses invalid objects with a cause per field', async () => {
      await ok(['apply', '--validate=false', '-f', '-'], widget('w2', { size: 'medium', bogus: 'x' }));
      const w2 = JSON.parse(await ok(['get', 'widget', 'w2', '-n', ns, '-o', 'json']));
      expect(w2.spec).toEqual({ size: 'medium', replicas: 1, color: 'blue' });
      expect(w2.metadata.generation).toBe(1);
      const bad = await run(['apply', '-f', '-'], widget('w3', { size: 'huge', replicas: 50, color: 'Red' }));
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('spec.size');
      expect(bad.stderr).toContain('Unsupported value: "huge"');
      expect(bad.stderr).toContain('spec.replicas');
      expect(bad.stderr).toContain('spec.color');
      const strict = await run(['create', '-f', '-'], widget('w4', { size: 'small', bogus: 1 }));
      expect(strict.code).not.toBe(0);
      expect(strict.stderr).toContain('unknown field "spec.bogus"');
    });

    it('prints the printer columns, scales, and patches status through the subresource', async () => {
      await ok(['apply', '-f', '-'], widget('w5', { size: 'large', replicas: 2 }));
      const table = await ok(['get', 'widgets', '-n', ns]);
      expect(table).toMatch(/NAME\s+SIZE\s+REPLICAS\s+AGE/);
      expect(table).toMatch(/w5\s+large\s+2\s+\d+s/);
      await ok(['scale', 'widget', 'w5', '-n', ns, '--replicas=4']);
      await ok(['patch', 'widget', 'w5', '-n', ns, '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Running","replicas":4}}']);
      const w5 = JSON.parse(await ok(['get', 'widget', 'w5', '-n', ns, '-o', 'json']));
      expect(w5.spec.replicas).toBe(4);
      expect(w5.status).toEqual({ phase: 'Running', replicas: 4 });
      expect(w5.metadata.generation).toBe(2); // the scale changed spec; the status write did not count
      expect(await ok(['get', 'widgets', '-n', ns, '-o', 'wide'])).toMatch(/w5\s+large\s+4\s+Running/);
      // Main-resource writes keep status; a strategic merge patch of a custom resource is 415.
      await ok(['patch', 'widget', 'w5', '-n', ns, '--type=merge', '-p', '{"status":{"phase":"Hacked"},"spec":{"color":"green"}}']);
      expect(JSON.parse(await ok(['get', 'widget', 'w5', '-n', ns, '-o', 'json'])).status.phase).toBe('Running');
      const smp = await run(['patch', 'widget', 'w5', '-n', ns, '-p', '{"spec":{"color":"red"}}']);
      expect(smp.code).not.toBe(0);
      expect(smp.stderr).toContain('application/strategic-merge-patch+json is not supported');
    });

    it('selects on the selectable field and explains the schema', async () => {
      const selected = await ok(['get', 'widgets', '-n', ns, '--field-selector', 'spec.size=large', '-o', 'name']);
      expect(selected.trim().split('\n')).toEqual(['widget.example.com/w5']);
      const unsupported = await run(['get', 'widgets', '-n', ns, '--field-selector', 'spec.color=blue']);
      expect(unsupported.code).not.toBe(0);
      expect(unsupported.stderr).toContain('is not a known field selector');
      expect(await ok(['explain', 'widget.spec'])).toContain('How big the widget is.');
    });
  });

  it('runs a client-node controller that writes status from an informer', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(ws().kubeconfigYaml);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const listFn = () => custom.listNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace: 'crd132', plural: 'widgets' }) as never;
    const informer = k8s.makeInformer(kc, '/apis/example.com/v1/namespaces/crd132/widgets', listFn);
    const reconcile = async (obj: { metadata?: { name?: string }; spec?: { replicas?: number }; status?: { phase?: string } }) => {
      if (obj.status?.phase === 'Ready') return;
      await custom.patchNamespacedCustomObjectStatus(
        { group: 'example.com', version: 'v1', namespace: 'crd132', plural: 'widgets', name: obj.metadata!.name!, body: { status: { phase: 'Ready', replicas: obj.spec?.replicas ?? 0 } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
    };
    informer.on('add', (o) => void reconcile(o as never));
    informer.on('update', (o) => void reconcile(o as never));
    await informer.start();
    try {
      await custom.createNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace: 'crd132', plural: 'widgets', body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'ctl1' }, spec: { size: 'small', replicas: 3 } } });
      await waitFor('controller status', async () => {
        const w = (await custom.getNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace: 'crd132', plural: 'widgets', name: 'ctl1' })) as { status?: { phase?: string; replicas?: number } };
        return w.status?.phase === 'Ready' && w.status.replicas === 3;
      }, { timeoutMs: 15_000 });
    } finally {
      await informer.stop();
    }
  });

  it('deleting the CRD deletes its custom resources and its discovery entry', async () => {
    const cache = join(dir(), 'cache-delete');
    const run = (args: string[]) => kubectl(ws().kubeconfigPath, args, { cacheDir: cache });
    expect((await run(['delete', 'crd', 'widgets.example.com', '--timeout=60s'])).code).toBe(0);
    const gone = await run(['get', 'widgets', '-A']);
    expect(gone.code).not.toBe(0);
    // With a cold discovery cache kubectl says the type is unknown; with a warm one the list is a 404.
    expect(gone.stderr).toMatch(/the server doesn't have a resource type "widgets"|could not find the requested resource/);
    const list = await kubeRequest(ws(), 'GET', '/apis');
    expect(JSON.stringify(list.body)).not.toContain('example.com');
    // Re-creating the CRD starts empty: the old instances went with it.
    expect((await kubectl(ws().kubeconfigPath, ['apply', '-f', '-'], { stdin: CRD, cacheDir: cache })).code).toBe(0);
    await kubectl(ws().kubeconfigPath, ['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=30s'], { cacheDir: cache });
    const again = await kubeRequest(ws(), 'GET', '/apis/example.com/v1/widgets');
    expect(again.status).toBe(200);
    expect(again.body.items).toEqual([]);
  });
});
