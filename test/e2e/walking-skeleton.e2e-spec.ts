import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropWorkspaceRoles, kubectl, kubectlOk, RunningPlatform, startPlatform, waitFor } from '@kplane/testing';

/**
 * The walking skeleton, end to end: REST call -> queued operation -> worker provisions a
 * schema and role -> kubeconfig -> the real kubectl, over verified TLS, against our API server.
 */
describe('walking skeleton: REST to kubectl', () => {
  let platform: RunningPlatform;
  let dir: string;
  const tenant = `acme-${Date.now().toString(36)}`;

  const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${platform.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${platform.adminToken}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, headers: res.headers, body: type.includes('json') && text ? JSON.parse(text) : text };
  };

  const provision = async (name: string) => {
    const created = await api('POST', `/v1/tenants/${tenant}/workspaces`, { name });
    expect(created.status).toBe(202);
    const started = Date.now();
    const ready = await api('GET', `/v1/tenants/${tenant}/workspaces/${name}?waitFor=Ready&timeoutSeconds=90`);
    if (ready.body.phase !== 'Ready') throw new Error(`workspace ${name} is ${ready.body.phase}: ${ready.body.message}\n${platform.logs().slice(-4000)}`);
    const kubeconfig = await api('GET', `/v1/tenants/${tenant}/workspaces/${name}/kubeconfig`);
    expect(kubeconfig.status).toBe(200);
    expect(kubeconfig.headers.get('content-type')).toContain('application/yaml');
    const file = join(dir, `${name}.kubeconfig`);
    writeFileSync(file, kubeconfig.body as string, { mode: 0o600 });
    return { id: created.body.workspace.id as string, operationId: created.body.operation.id as string, file, provisionMs: Date.now() - started };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kplane-kubectl-'));
    platform = await startPlatform();
    const t = await api('POST', '/v1/tenants', { name: tenant, displayName: 'Acme Corp' });
    expect(t.status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    // DeleteTenant deprovisions what is left; the safety net drops any role a failure left behind.
    const del = await api('DELETE', `/v1/tenants/${tenant}`).catch(() => null);
    if (del?.status === 202) {
      await waitFor('tenant deletion', async () => (await api('GET', `/v1/operations/${del.body.id}`)).body.status === 'Succeeded', {
        timeoutMs: 60_000,
      }).catch((err) => console.warn((err as Error).message));
    }
    await platform?.stop();
    await dropWorkspaceRoles(platform?.database.url);
    await platform?.database.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('provisions a workspace that kubectl uses without --insecure-skip-tls-verify, and isolates tokens', async () => {
    const ws1 = await provision('dev');
    const ws2 = await provision('prod');
    const cache = join(dir, 'cache');
    const k = (args: string[], stdin?: string) => kubectlOk(ws1.file, args, { cacheDir: cache, stdin });
    expect(await kubectlOk(ws1.file, ['config', 'view', '--raw', '-o', 'jsonpath={.clusters[0].cluster.insecure-skip-tls-verify}'])).toBe('');

    // The four namespaces every cluster starts with, with their name label.
    const nsList = JSON.parse(await k(['get', 'ns', '-o', 'json']));
    const names = nsList.items.map((n: { metadata: { name: string } }) => n.metadata.name).sort();
    expect(names).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    for (const ns of nsList.items) expect(ns.metadata.labels['kubernetes.io/metadata.name']).toBe(ns.metadata.name);
    expect(await k(['get', 'ns'])).toMatch(/^NAME\s+STATUS\s+AGE/);
    expect(await k(['get', 'serviceaccounts', '-A', '-o', 'name'])).toContain('serviceaccount/default');

    // kubectl 1.32 sends these two as protobuf.
    await k(['create', 'namespace', 'demo']);
    await k(['create', 'configmap', 'app-config', '-n', 'demo', '--from-literal=k1=v1', '--from-literal=k2=v2']);
    const cm = JSON.parse(await k(['get', 'configmap', 'app-config', '-n', 'demo', '-o', 'json']));
    expect(cm.data).toEqual({ k1: 'v1', k2: 'v2' });
    expect(cm.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(cm.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(cm.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // Client-side apply of a changed configmap: a strategic merge patch.
    const manifest = (data: Record<string, string>) =>
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: 'demo', labels: { tier: 'x' } }, data });
    await k(['apply', '-f', '-'], manifest({ k1: 'v1', k2: 'v2' }));
    await k(['apply', '-f', '-'], manifest({ k1: 'v1-changed', k3: 'v3' }));
    const applied = JSON.parse(await k(['get', 'configmap', 'applied', '-n', 'demo', '-o', 'json']));
    expect(applied.data).toEqual({ k1: 'v1-changed', k3: 'v3' });
    expect(applied.metadata.labels).toEqual({ tier: 'x' });

    // Update with a stale resourceVersion is a 409 Conflict.
    const stale = { ...cm, data: { k1: 'stale' } };
    await k(['label', 'configmap', 'app-config', '-n', 'demo', 'touched=yes']);
    const replace = await kubectl(ws1.file, ['replace', '-f', '-'], { cacheDir: cache, stdin: JSON.stringify(stale) });
    expect(replace.code).not.toBe(0);
    expect(replace.stderr).toContain('the object has been modified');

    await k(['delete', 'configmap', 'app-config', '-n', 'demo']);
    const gone = await kubectl(ws1.file, ['get', 'configmap', 'app-config', '-n', 'demo'], { cacheDir: cache });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('configmaps "app-config" not found');

    // The second workspace's token does not open the first workspace.
    const token2 = (await kubectlOk(ws2.file, ['config', 'view', '--raw', '-o', 'jsonpath={.users[0].user.token}'])).trim();
    const crossed = await kubectl(ws1.file, ['get', 'ns', '--token', token2], { cacheDir: join(dir, 'cache2') });
    expect(crossed.code).toBe(1);
    expect(crossed.stderr).toMatch(/Unauthorized|must be logged in/);
    // Nor does the management API's admin token.
    const admin = await kubectl(ws1.file, ['get', 'ns', '--token', platform.adminToken], { cacheDir: join(dir, 'cache3') });
    expect(admin.code).toBe(1);

    console.log(`workspace POST -> Ready: ${ws1.provisionMs} ms and ${ws2.provisionMs} ms`);

    // Deprovisioning revokes the token and drops the schema; the workspace then answers 404.
    const del = await api('DELETE', `/v1/tenants/${tenant}/workspaces/prod`);
    expect(del.status).toBe(202);
    await waitFor('deprovision to succeed', async () => (await api('GET', `/v1/operations/${del.body.id}`)).body.status === 'Succeeded', {
      timeoutMs: 60_000,
      describe: () => platform.logs(),
    });
    expect((await api('GET', `/v1/tenants/${tenant}/workspaces/prod`)).status).toBe(404);
    const after = await kubectl(ws2.file, ['get', 'ns'], { cacheDir: join(dir, 'cache4') });
    expect(after.code).toBe(1);
  }, 240_000);
});
