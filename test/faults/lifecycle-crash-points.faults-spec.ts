import { join } from 'node:path';
import { adminApi, kubectlOk } from '@kplane/testing';
import {
  expectConsistent,
  listNamespacesStatus,
  restartWorker,
  schemaName,
  shardState,
  useFaultSuite,
  waitForOperation,
  waitForPause,
  workspaceAccess,
} from './fault-harness';

/**
 * SIGKILL the worker at every named step of every lifecycle operation (KPLANE_TEST_PAUSE_AT_STEP
 * parks the job there), start it again, and check the operation ends Succeeded with the state an
 * uninterrupted run leaves: one schema, one role, one valid token, no orphan.
 */
const PROVISION_POINTS = ['mark-provisioning', 'create-role-schema-and-tables', 'bootstrap-objects', 'issue-credentials-and-smoke-test', 'mark-ready', 'succeed'];
const DEPROVISION_POINTS = ['mark-deleting', 'revoke-credentials', 'drop-schema-and-role', 'delete-credentials', 'delete-workspace-record', 'succeed'];
const ROTATE_POINTS = ['check-workspace-live', 'issue-and-verify-new-token', 'revoke-old-tokens', 'succeed'];
const SUSPEND_POINTS = ['mark-suspended', 'succeed'];
const RESUME_POINTS = ['mark-resumed', 'succeed'];
const TENANT_POINTS = ['mark-tenant-workspaces-deleting', 'mark-deleting', 'drop-schema-and-role', 'delete-workspace-record', 'delete-tenant-record', 'succeed'];

describe('faults: SIGKILL the worker at each lifecycle step', () => {
  const suite = useFaultSuite('crash');
  const found: string[] = [];
  let n = 0;
  afterAll(() => {
    console.log(`crash points exercised: ${n}; problems found: ${found.length ? found.join('; ') : 'none'}`);
  });

  const crashAt = async (step: string, request: () => Promise<string>): Promise<string> => {
    await restartWorker(suite.platform, step);
    const opId = await request();
    await waitForPause(suite.platform, step);
    await suite.platform.kill('worker', 'SIGKILL');
    suite.platform.start('worker');
    const op = await waitForOperation(suite.platform, opId);
    if (op.status !== 'Succeeded') found.push(`${step}: ${op.status} ${op.error}`);
    expect({ step, status: op.status, error: op.error }).toEqual({ step, status: 'Succeeded', error: null });
    return opId;
  };

  const createWorkspace = async (name: string, t = suite.tenant): Promise<{ id: string; op: string }> => {
    const r = await adminApi(suite.platform, 'POST', `/v1/tenants/${t}/workspaces`, { name });
    expect(r.status).toBe(202);
    return { id: r.body.workspace.id, op: r.body.operation.id };
  };

  const readyWorkspace = async (name: string, t = suite.tenant): Promise<string> => {
    await restartWorker(suite.platform, null);
    const { id, op } = await createWorkspace(name, t);
    expect((await waitForOperation(suite.platform, op)).status).toBe('Succeeded');
    return id;
  };

  it.each(PROVISION_POINTS)('ProvisionWorkspace killed at %s', async (step) => {
    n++;
    const name = `p-${step}`.slice(0, 40);
    let id = '';
    await crashAt(step, async () => {
      const ws = await createWorkspace(name);
      id = ws.id;
      return ws.op;
    });
    const state = await shardState(suite.platform);
    expectConsistent(state);
    expect(state.schemas.has(schemaName(id))).toBe(true);
    expect(state.workspaces.find((w) => w.id === id)?.phase).toBe('Ready');
    const access = await workspaceAccess(suite.platform, suite.tenant, name, suite.dir);
    expect(await listNamespacesStatus(access)).toBe(200);
    expect(await kubectlOk(access.kubeconfigPath, ['get', 'ns', '-o', 'name'], { cacheDir: join(suite.dir, 'cache') })).toContain('namespace/default');
  }, 120_000);

  it.each(DEPROVISION_POINTS)('DeprovisionWorkspace killed at %s', async (step) => {
    n++;
    const name = `d-${step}`.slice(0, 40);
    const id = await readyWorkspace(name);
    const access = await workspaceAccess(suite.platform, suite.tenant, name, suite.dir);
    await crashAt(step, async () => {
      const r = await adminApi(suite.platform, 'DELETE', `/v1/tenants/${suite.tenant}/workspaces/${name}`);
      expect(r.status).toBe(202);
      return r.body.id;
    });
    const state = await shardState(suite.platform);
    expectConsistent(state);
    expect(state.schemas.has(schemaName(id))).toBe(false);
    expect(state.roles.has(schemaName(id))).toBe(false);
    expect(state.credentialRows.has(id)).toBe(false);
    expect((await adminApi(suite.platform, 'GET', `/v1/tenants/${suite.tenant}/workspaces/${name}`)).status).toBe(404);
    expect([401, 404]).toContain(await listNamespacesStatus(access));
  }, 120_000);

  it.each(ROTATE_POINTS)('RotateCredentials killed at %s', async (step) => {
    n++;
    const name = `r-${step}`.slice(0, 40);
    const id = await readyWorkspace(name);
    const before = await workspaceAccess(suite.platform, suite.tenant, name, suite.dir);
    await crashAt(step, async () => {
      const r = await adminApi(suite.platform, 'POST', `/v1/tenants/${suite.tenant}/workspaces/${name}/credentials/rotate`);
      expect(r.status).toBe(202);
      return r.body.id ?? r.body.operation?.id;
    });
    const state = await shardState(suite.platform);
    expectConsistent(state);
    expect(state.validTokens.get(id)).toBe(1);
    const after = await workspaceAccess(suite.platform, suite.tenant, name, suite.dir);
    expect(after.token).not.toBe(before.token);
    expect(await listNamespacesStatus(after)).toBe(200);
    expect(await listNamespacesStatus(before)).toBe(401);
  }, 120_000);

  it.each(SUSPEND_POINTS.map((s) => ['SuspendWorkspace', s]).concat(RESUME_POINTS.map((s) => ['ResumeWorkspace', s])))('%s killed at %s', async (type, step) => {
    n++;
    const name = `s-${type === 'SuspendWorkspace' ? 'sus' : 'res'}-${step}`.slice(0, 40);
    await readyWorkspace(name);
    const access = await workspaceAccess(suite.platform, suite.tenant, name, suite.dir);
    if (type === 'ResumeWorkspace') {
      const s = await adminApi(suite.platform, 'POST', `/v1/tenants/${suite.tenant}/workspaces/${name}/suspend`);
      expect((await waitForOperation(suite.platform, s.body.id ?? s.body.operation?.id)).status).toBe('Succeeded');
      expect(await listNamespacesStatus(access)).toBe(503);
    }
    await crashAt(step, async () => {
      const r = await adminApi(suite.platform, 'POST', `/v1/tenants/${suite.tenant}/workspaces/${name}/${type === 'SuspendWorkspace' ? 'suspend' : 'resume'}`);
      expect(r.status).toBe(202);
      return r.body.id ?? r.body.operation?.id;
    });
    expectConsistent(await shardState(suite.platform));
    expect(await listNamespacesStatus(access)).toBe(type === 'SuspendWorkspace' ? 503 : 200);
  }, 120_000);

  it.each(TENANT_POINTS)('DeleteTenant killed at %s', async (step) => {
    n++;
    const t = `${suite.tenant}-t${n}`;
    expect((await adminApi(suite.platform, 'POST', '/v1/tenants', { name: t })).status).toBe(201);
    const ids = [await readyWorkspace('one', t), await readyWorkspace('two', t)];
    await crashAt(step, async () => {
      const r = await adminApi(suite.platform, 'DELETE', `/v1/tenants/${t}`);
      expect(r.status).toBe(202);
      return r.body.id ?? r.body.operation?.id;
    });
    const state = await shardState(suite.platform);
    expectConsistent(state);
    for (const id of ids) expect(state.schemas.has(schemaName(id)) || state.roles.has(schemaName(id))).toBe(false);
    expect((await adminApi(suite.platform, 'GET', `/v1/tenants/${t}`)).status).toBe(404);
  }, 150_000);
});
