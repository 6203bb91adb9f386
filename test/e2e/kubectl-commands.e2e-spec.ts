import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KUBECTL_VERSIONS, kubectlFor, usePlatformSuite } from '@kplane/testing';

/**
 * Every kubectl command of issue 3, with the newest kubectl we have (protobuf bodies, OpenAPI v3)
 * and the oldest we support (JSON bodies, OpenAPI v2 first). Each version gets its own namespace.
 */
describe('kubectl commands', () => {
  const suite = usePlatformSuite('kubectl', ['cmds']);

  describe.each(KUBECTL_VERSIONS)('kubectl %s', (version, bin) => {
    const ns = `k${version.replace('.', '')}`;
    const k = kubectlFor(() => suite.workspace('cmds'), () => suite.dir, version, bin);
    const run = (args: string[], stdin?: string, env?: Record<string, string>) => k.run(args, { stdin, env });
    const ok = (args: string[], stdin?: string, env?: Record<string, string>) => k.ok(args, { stdin, env });
    const getJson = async (args: string[]) => JSON.parse(await ok([...args, '-o', 'json']));
    const manifest = (name: string, data: Record<string, string>, labels: Record<string, string> = {}) =>
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data });

    beforeAll(async () => {
      await ok(['create', 'namespace', ns]);
    });

    it('version, api-resources and get with Table columns', async () => {
      expect(await ok(['version'])).toContain('v1.32.0-kplane');
      const resources = await ok(['api-resources']);
      for (const r of ['configmaps', 'secrets', 'namespaces', 'serviceaccounts', 'events', 'leases', 'roles', 'clusterrolebindings']) expect(resources).toContain(r);
      await ok(['create', 'configmap', 'table1', '-n', ns, '--from-literal=a=1', '--from-literal=b=2']);
      expect(await ok(['get', 'cm', 'table1', '-n', ns])).toMatch(/NAME\s+DATA\s+AGE\ntable1\s+2\s+/);
      const all = await ok(['get', 'cm', '-A', '--show-labels']);
      expect(all).toMatch(/NAMESPACE\s+NAME\s+DATA\s+AGE\s+LABELS/);
      expect(all).toContain(ns);
    });

    it('get all, chunked lists and a Table watch', async () => {
      await ok(['create', 'configmap', 'all1', '-n', ns]);
      expect(await ok(['get', 'all', '-n', ns])).toMatch(/all1\s+0\s+/);
      for (let i = 0; i < 5; i++) await ok(['create', 'configmap', `chunk-${i}`, '-n', ns]);
      const chunked = await ok(['get', 'cm', '-n', ns, '--chunk-size=2', '-o', 'name']);
      expect(chunked.split('\n').filter((l) => l.startsWith('configmap/chunk-'))).toHaveLength(5);
      const watch = spawn(bin, ['--kubeconfig', suite.workspace('cmds').kubeconfigPath, '--cache-dir', join(suite.dir, `cache-${version}`), 'get', 'cm', '-n', ns, '-w', '--watch-only']);
      let out = '';
      watch.stdout.on('data', (c) => (out += c));
      await new Promise((r) => setTimeout(r, 1500));
      await ok(['create', 'configmap', 'watched', '-n', ns, '--from-literal=a=1']);
      const deadline = Date.now() + 10_000;
      while (!out.includes('watched') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      watch.kill();
      expect(out).toMatch(/watched\s+1\s+/);
    });

    it('apply, re-apply with changes, and server-side apply', async () => {
      await ok(['apply', '-f', '-'], manifest('app', { k1: 'v1', k2: 'v2' }, { tier: 'x' }));
      await ok(['apply', '-f', '-'], manifest('app', { k1: 'v1-changed', k3: 'v3' }, { tier: 'y' }));
      let cm = await getJson(['get', 'cm', 'app', '-n', ns]);
      expect(cm.data).toEqual({ k1: 'v1-changed', k3: 'v3' });
      expect(cm.metadata.labels).toEqual({ tier: 'y' });
      await ok(['apply', '--server-side', '-f', '-'], manifest('ssa', { a: '1' }));
      await ok(['apply', '--server-side', '-f', '-'], manifest('ssa', { a: '2', b: '3' }));
      cm = await getJson(['get', 'cm', 'ssa', '-n', ns, '--show-managed-fields']);
      expect(cm.data).toEqual({ a: '2', b: '3' });
      expect(cm.metadata.managedFields.map((m: { manager: string }) => m.manager)).toContain('kubectl');
    });

    it('patch (strategic, merge, json), label, annotate, replace and diff', async () => {
      await ok(['create', 'configmap', 'p1', '-n', ns, '--from-literal=a=1']);
      await ok(['patch', 'cm', 'p1', '-n', ns, '-p', '{"data":{"b":"2"}}']);
      await ok(['patch', 'cm', 'p1', '-n', ns, '--type=merge', '-p', '{"data":{"a":null,"c":"3"}}']);
      await ok(['patch', 'cm', 'p1', '-n', ns, '--type=json', '-p', '[{"op":"add","path":"/data/d","value":"4"}]']);
      await ok(['label', 'cm', 'p1', '-n', ns, 'team=blue']);
      await ok(['annotate', 'cm', 'p1', '-n', ns, 'note=hi']);
      const cm = await getJson(['get', 'cm', 'p1', '-n', ns]);
      expect(cm.data).toEqual({ b: '2', c: '3', d: '4' });
      expect(cm.metadata.labels).toEqual({ team: 'blue' });
      expect(cm.metadata.annotations).toEqual({ note: 'hi' });
      const failedPatch = await run(['patch', 'cm', 'p1', '-n', ns, '--type=json', '-p', '[{"op":"test","path":"/data/b","value":"nope"}]']);
      expect(failedPatch.code).not.toBe(0);
      cm.data = { replaced: 'yes' };
      await ok(['replace', '-f', '-'], JSON.stringify(cm));
      expect((await getJson(['get', 'cm', 'p1', '-n', ns])).data).toEqual({ replaced: 'yes' });
      const diff = await run(['diff', '-f', '-'], manifest('p1', { replaced: 'no' }, { team: 'blue' }));
      expect(diff.code).toBe(1); // 1 = differences found
      expect(diff.stdout).toMatch(/\+\s+replaced: "?no"?/);
      expect((await getJson(['get', 'cm', 'p1', '-n', ns])).data).toEqual({ replaced: 'yes' });
    });

    it('edit through KUBE_EDITOR', async () => {
      await ok(['create', 'configmap', 'e1', '-n', ns, '--from-literal=x=before']);
      const editor = join(suite.dir, `editor-${version}.sh`);
      writeFileSync(editor, '#!/bin/sh\nsed -i "s/x: before/x: edited/" "$1"\n');
      chmodSync(editor, 0o755);
      await ok(['edit', 'cm', 'e1', '-n', ns], undefined, { KUBE_EDITOR: editor, EDITOR: editor });
      expect((await getJson(['get', 'cm', 'e1', '-n', ns])).data).toEqual({ x: 'edited' });
    });

    it('generateName with create -f, and dry runs that change nothing', async () => {
      const out = await ok(['create', '-f', '-', '-o', 'name'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-', namespace: ns } }));
      expect(out.trim()).toMatch(/^configmap\/gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      await ok(['create', 'configmap', 'dry', '-n', ns, '--from-literal=a=1', '--dry-run=server']);
      expect((await run(['get', 'cm', 'dry', '-n', ns])).code).toBe(1);
    });

    it('delete, delete --cascade=foreground/orphan with owners, wait --for=delete', async () => {
      const owner = await getJson(['get', 'cm', 'table1', '-n', ns]);
      const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'table1', uid: owner.metadata.uid, blockOwnerDeletion: true };
      for (const name of ['dep1', 'dep2']) {
        await ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, ownerReferences: [ref] }, data: { a: '1' } }));
      }
      await ok(['delete', 'cm', 'table1', '-n', ns, '--cascade=foreground', '--timeout=30s']);
      expect((await run(['get', 'cm', 'dep1', '-n', ns])).code).toBe(1);
      expect((await run(['get', 'cm', 'dep2', '-n', ns])).code).toBe(1);

      await ok(['create', 'configmap', 'owner2', '-n', ns]);
      const owner2 = await getJson(['get', 'cm', 'owner2', '-n', ns]);
      await ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'orphan1', namespace: ns, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner2', uid: owner2.metadata.uid }] } }));
      await ok(['delete', 'cm', 'owner2', '-n', ns, '--cascade=orphan']);
      const orphan = await getJson(['get', 'cm', 'orphan1', '-n', ns]);
      expect(orphan.metadata.ownerReferences ?? []).toEqual([]);

      await ok(['create', 'configmap', 'fin', '-n', ns]);
      await ok(['patch', 'cm', 'fin', '-n', ns, '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/hold"]}}']);
      await ok(['delete', 'cm', 'fin', '-n', ns, '--wait=false']);
      expect((await getJson(['get', 'cm', 'fin', '-n', ns])).metadata.deletionTimestamp).toBeTruthy();
      const waiting = run(['wait', '--for=delete', 'cm/fin', '-n', ns, '--timeout=30s']);
      await ok(['patch', 'cm', 'fin', '-n', ns, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
      expect((await waiting).code).toBe(0);
    });

    it('deletes a namespace with its contents and refuses creation while it terminates', async () => {
      const doomed = `${ns}-doomed`;
      await ok(['create', 'namespace', doomed]);
      await ok(['create', 'configmap', 'c', '-n', doomed]);
      await ok(['create', 'secret', 'generic', 's', '-n', doomed, '--from-literal=k=v']);
      await ok(['delete', 'namespace', doomed, '--timeout=60s']);
      expect((await run(['get', 'namespace', doomed])).code).toBe(1);
      expect((await run(['delete', 'namespace', 'default'])).stderr).toContain('forbidden');
    });

    it('explain configmap', async () => {
      const out = await ok(['explain', 'configmap.data']);
      expect(out).toMatch(/FIELD:\s+data/);
    });
  });
});
