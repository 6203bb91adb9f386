import { adminApi, KUBECTL_VERSIONS, kubectlFor, kubeRequest, kubeWatch, RunningPlatform, TestWorkspace, usePlatformSuite, waitFor } from '@kplane/testing';

/** Isolation and RBAC inside workspaces (issue 5), attacked end to end. */
describe('security', () => {
  const suite = usePlatformSuite('sec', ['a', 'b'], {
    KPLANE_WORKSPACE_RATE_LIMIT_PER_SECOND: '40',
    KPLANE_WORKSPACE_RATE_LIMIT_BURST: '80',
    KPLANE_MAX_WATCHES_PER_WORKSPACE: '3',
  });
  let a: TestWorkspace;
  let b: TestWorkspace;
  let platform: RunningPlatform;
  beforeAll(() => {
    [a, b, platform] = [suite.workspace('a'), suite.workspace('b'), suite.platform];
  });

  describe.each(KUBECTL_VERSIONS)('service accounts and RBAC with kubectl %s', (version, bin) => {
    const ns = `rbac${version.replace('.', '')}`;
    const asAdmin = kubectlFor(() => a, () => suite.dir, version, bin, 'admin');
    const asRobot = kubectlFor(() => a, () => suite.dir, version, bin, 'sa');
    const run = (args: string[], token?: string) => (token ? asRobot.run(args, { token }) : asAdmin.run(args));
    const ok = (args: string[], token?: string) => (token ? asRobot.ok(args, { token }) : asAdmin.ok(args));
    let token = '';

    beforeAll(async () => {
      await ok(['create', 'namespace', ns]);
      await ok(['create', 'serviceaccount', 'robot', '-n', ns]);
      await ok(['create', 'configmap', 'c1', '-n', ns, '--from-literal=a=1']);
      // kubectl 1.27 has `create token` too (TokenRequest, JSON); 1.32 sends it as protobuf.
      token = (await ok(['create', 'token', 'robot', '-n', ns, '--duration=1h'])).trim();
    });

    it('authenticates the token as the service account, which starts with no rights', async () => {
      expect(token.split('.')).toHaveLength(3);
      const who = await run(['auth', 'whoami', '-o', 'json'], token);
      if (who.code === 0) expect(JSON.parse(who.stdout).status.userInfo.username).toBe(`system:serviceaccount:${ns}:robot`);
      const denied = await run(['get', 'configmaps', '-n', ns], token);
      expect(denied.code).not.toBe(0);
      expect(denied.stderr).toContain(`configmaps is forbidden: User "system:serviceaccount:${ns}:robot" cannot list resource "configmaps" in API group "" in the namespace "${ns}"`);
      expect((await run(['auth', 'can-i', 'list', 'configmaps', '-n', ns], token)).stdout.trim()).toBe('no');
    });

    it('follows Roles and bindings: view lets it read, not write, and only in its namespace', async () => {
      await ok(['create', 'rolebinding', 'robot-view', '--clusterrole=view', `--serviceaccount=${ns}:robot`, '-n', ns]);
      await waitFor('binding in effect', async () => (await run(['get', 'configmaps', '-n', ns], token)).code === 0, { timeoutMs: 10_000 });
      expect((await run(['auth', 'can-i', 'list', 'configmaps', '-n', ns], token)).stdout.trim()).toBe('yes');
      expect((await run(['auth', 'can-i', 'create', 'configmaps', '-n', ns], token)).stdout.trim()).toBe('no');
      expect((await run(['auth', 'can-i', 'get', 'secrets', '-n', ns], token)).stdout.trim()).toBe('no');
      const write = await run(['create', 'configmap', 'nope', '-n', ns], token);
      expect(write.stderr).toContain('is forbidden');
      expect((await run(['get', 'configmaps', '-n', 'default'], token)).code).not.toBe(0);
      const rules = await ok(['auth', 'can-i', '--list', '-n', ns], token);
      expect(rules).toMatch(/configmaps\s+\[\]\s+\[\]\s+\[get list watch\]/);
    });

    it('refuses the token elsewhere and after the service account is deleted', async () => {
      const other = await kubeRequest(b, 'GET', '/api/v1/namespaces', { token });
      expect(other.status).toBe(401);
      await ok(['delete', 'serviceaccount', 'robot', '-n', ns]);
      const after = await run(['get', 'configmaps', '-n', ns], token);
      expect(after.code).not.toBe(0);
      expect(after.stderr).toMatch(/Unauthorized|must be logged in/);
    });
  });

  it('accepts the bearer scheme in any letter case, as kube-apiserver does, and nothing else', async () => {
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      expect((await kubeRequest(a, 'GET', '/api/v1/namespaces', { headers: { authorization: `${scheme} ${a.token}` } })).status).toBe(200);
    }
    expect((await kubeRequest(a, 'GET', '/api/v1/namespaces', { headers: { authorization: `Basic ${a.token}` } })).status).toBe(401);
    expect((await kubeRequest(a, 'GET', '/api/v1/namespaces', { headers: { authorization: `bearer ${b.token}` } })).status).toBe(401);
  });

  it('the bootstrap roles exist', async () => {
    const list = await kubeRequest(a, 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles');
    const names = list.body.items.map((r: { metadata: { name: string } }) => r.metadata.name);
    expect(names).toEqual(expect.arrayContaining(['cluster-admin', 'admin', 'edit', 'view']));
  });

  it('keeps workspaces apart whatever the path says', async () => {
    await kubeRequest(b, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'b-secret-data' }, data: { k: 'b-private-value-7d1f' } } });
    const attempts = [
      `/clusters/${b.id}/api/v1/namespaces/default/configmaps`,
      `/clusters/${a.id}/../${b.id}/api/v1/namespaces/default/configmaps`,
      `/clusters/${a.id}/api/v1/namespaces/..%2F..%2F${b.id}/configmaps`,
      `/clusters/${a.id}%2F..%2F${b.id}/api/v1/configmaps`,
      `/api/v1/namespaces/default/configmaps/b-secret-data`,
    ];
    for (const p of attempts) {
      const res = await kubeRequest(a, 'GET', p, { rawPath: true });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.text).not.toContain('b-private-value-7d1f');
      expect(res.body.kind).toBe('Status');
    }
  });

  it('rate limits a workspace with 429, Retry-After and a Status, without touching another workspace', async () => {
    const results = await Promise.all(Array.from({ length: 150 }, () => kubeRequest(a, 'GET', '/api/v1/namespaces/default/configmaps')));
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0].headers['retry-after']).toMatch(/^\d+$/);
    expect(limited[0].body).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429 });
    expect((await kubeRequest(b, 'GET', '/api/v1/namespaces')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2500));
  });

  it('caps open watches per workspace', async () => {
    const watches = await Promise.all([1, 2, 3].map(() => kubeWatch(a, '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1')));
    const fourth = await kubeRequest(a, 'GET', '/api/v1/namespaces/default/configmaps?watch=true');
    expect(fourth.status).toBe(429);
    for (const w of watches) w.close();
    await waitFor('watch slots freed', async () => (await kubeRequest(a, 'GET', '/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1')).status === 200, { timeoutMs: 10_000 });
  });

  it('records Kubernetes writes in the audit log, without secrets', async () => {
    await kubeRequest(a, 'POST', '/api/v1/namespaces/default/secrets', { body: { metadata: { name: 'audited' }, stringData: { password: 'hunter2' } } });
    await waitFor('audit event', async () => {
      const res = await adminApi(platform, 'GET', `/v1/audit?source=kubernetes&workspace=${a.id}`);
      return res.status === 200 && res.body.items.some((e: { name?: string }) => e.name === 'audited');
    }, { timeoutMs: 10_000, describe: () => platform.logs() });
    const res = await adminApi(platform, 'GET', `/v1/audit?source=kubernetes&workspace=${a.id}&limit=500`);
    const event = res.body.items.find((e: { name?: string }) => e.name === 'audited');
    expect(event).toMatchObject({ source: 'kubernetes', outcome: 'success' });
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    expect(JSON.stringify(res.body)).not.toContain(a.token);
  });
});

describe('metrics', () => {
  const suite = usePlatformSuite('metrics', ['m']);
  let ws: TestWorkspace;
  let platform: RunningPlatform;
  const tenant = suite.tenant;

  beforeAll(async () => {
    [ws, platform] = [suite.workspace('m'), suite.platform];
    await kubeRequest(ws, 'GET', '/api/v1/namespaces');
    await kubeRequest(ws, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'm1' } } });
  });

  it('every app serves Prometheus metrics whose labels never name a tenant or workspace', async () => {
    const apiserver = await kubeRequest(ws, 'GET', '/metrics', { rawPath: true, token: null });
    expect(apiserver.status).toBe(200);
    expect(apiserver.text).toMatch(/kplane_apiserver_requests_total\{verb="list",group="core",code="200",app="apiserver"\} \d+/);
    expect(apiserver.text).toMatch(/kplane_apiserver_requests_total\{verb="create",group="core",code="201",app="apiserver"\} \d+/);
    expect(apiserver.text).toContain('kplane_apiserver_request_duration_seconds_bucket');
    expect(apiserver.text).toContain('kplane_apiserver_open_watches');
    expect(apiserver.text).toContain('kplane_storage_pool_connections{state="total"');
    expect(apiserver.text).toMatch(/kplane_apiserver_write_batches_total\{app="apiserver"\} \d+/);
    expect(apiserver.text).toMatch(/kplane_apiserver_batched_writes_total\{app="apiserver"\} \d+/);
    const api = await fetch(`${platform.apiUrl}/metrics`);
    expect(api.status).toBe(200);
    const apiText = await api.text();
    const worker = await fetch(platform.workerMetricsUrl);
    const workerText = await worker.text();
    expect(workerText).toContain('kplane_worker_jobs_total');
    for (const text of [apiserver.text, apiText, workerText]) {
      expect(text).not.toContain(ws.id);
      expect(text).not.toContain(tenant);
    }
  });
});
