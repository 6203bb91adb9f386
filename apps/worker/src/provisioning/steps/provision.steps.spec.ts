import type { OperationEntity } from '@kplane/control';
import type { LifecycleDeps } from '../lifecycle-deps';
import { runSteps, Step, TerminalStepError } from '../step';
import { DEPROVISION_STEPS, PROVISION_STEPS, RESUME_STEPS, ROTATE_STEPS, SUSPEND_STEPS } from './provision.steps';

/** An in-memory model of what the steps touch, to table-test idempotency and crash recovery. */
function world() {
  const state = {
    roles: new Set<string>(),
    schemas: new Set<string>(),
    ddl: new Set<string>(),
    objects: new Map<string, unknown>(),
    tokens: new Map<string, { op: string; revoked: boolean }>(),
    phase: 'Pending',
    workspaceRow: true,
    smokeTests: 0,
  };
  let crashAt: string | null = null;
  const guard = (name: string) => {
    if (crashAt === name) {
      crashAt = null;
      throw new Error(`crash in ${name}`);
    }
  };
  const deps: LifecycleDeps = {
    schemas: {
      // One transaction: all three or none.
      ensureBuilt: async (id) => (guard('ensureBuilt'), state.roles.add(id), state.schemas.add(id), void state.ddl.add(id)),
      drop: async (id) => (guard('drop'), state.schemas.delete(id), state.roles.delete(id), state.ddl.delete(id), undefined),
    },
    storeFor: () => ({
      // All or nothing, like the single statement it stands for.
      createAbsent: async (objects: { resource: string; object: { metadata: { name: string; namespace?: string } } }[]) => {
        guard('create');
        let n = 0;
        for (const { resource, object } of objects) {
          const key = `${resource}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
          if (!state.objects.has(key)) (state.objects.set(key, object), n++);
        }
        return n;
      },
    }),
    credentials: {
      issueForOperation: async (_ws, op) => {
        guard('issue');
        const existing = [...state.tokens.entries()].find(([, t]) => t.op === op);
        if (existing) return existing[0];
        const token = `tok-${state.tokens.size}`;
        state.tokens.set(token, { op, revoked: false });
        return token;
      },
      revokeOthers: async (_ws, op) => {
        let n = 0;
        for (const t of state.tokens.values()) if (t.op !== op && !t.revoked) (t.revoked = true), n++;
        return n;
      },
      revokeAll: async () => void [...state.tokens.values()].forEach((t) => (t.revoked = true)),
      deleteAll: async () => void state.tokens.clear(),
    },
    progress: {
      setWorkspacePhase: async (_id, phase) => void (state.phase = phase),
      transitionWorkspacePhase: async (_id, from, to) => {
        if (!state.workspaceRow) return { changed: false, phase: null };
        if (!from.includes(state.phase as never)) return { changed: false, phase: state.phase as never };
        state.phase = to;
        return { changed: true, phase: to };
      },
      workspacePhase: async () => (state.workspaceRow ? (state.phase as never) : null),
      deleteWorkspaceRow: async () => void (state.workspaceRow = false),
    },
    smokeTest: async (_id, token) => {
      guard('smoke');
      if (state.tokens.get(token)?.revoked !== false) throw new Error('token refused');
      state.smokeTests++;
    },
  };
  return { state, deps, crashNext: (name: string) => (crashAt = name) };
}

const op = (id: string) => ({ id }) as OperationEntity;
const run = (steps: Step<LifecycleDeps>[], deps: LifecycleDeps, operationId = 'op-1') =>
  runSteps(steps, { operation: op(operationId), workspaceId: 'ws', deps, log: () => undefined });

describe('provisioning steps', () => {
  it('create the role, schema, bootstrap objects and one token, then mark Ready', async () => {
    const { state, deps } = world();
    await run(PROVISION_STEPS, deps);
    expect(state.phase).toBe('Ready');
    expect([...state.roles]).toEqual(['ws']);
    expect([...state.schemas]).toEqual(['ws']);
    const keys = [...state.objects.keys()];
    expect(keys.filter((k) => !k.includes('rbac.authorization.k8s.io')).sort()).toEqual([
      'namespaces//default',
      'namespaces//kube-node-lease',
      'namespaces//kube-public',
      'namespaces//kube-system',
      'serviceaccounts/default/default',
      'serviceaccounts/kube-node-lease/default',
      'serviceaccounts/kube-public/default',
      'serviceaccounts/kube-system/default',
    ]);
    for (const role of ['cluster-admin', 'admin', 'edit', 'view']) expect(keys).toContain(`clusterroles.rbac.authorization.k8s.io//${role}`);
    expect(keys).toContain('clusterrolebindings.rbac.authorization.k8s.io//cluster-admin');
    expect(state.tokens.size).toBe(1);
  });

  it.each(['ensureBuilt', 'create', 'issue', 'smoke'])(
    'a crash in %s followed by a re-run ends exactly as an uninterrupted run',
    async (crashPoint) => {
      const clean = world();
      await run(PROVISION_STEPS, clean.deps);
      const crashed = world();
      crashed.crashNext(crashPoint);
      await expect(run(PROVISION_STEPS, crashed.deps)).rejects.toThrow(`crash in ${crashPoint}`);
      expect(crashed.state.phase).not.toBe('Ready');
      await run(PROVISION_STEPS, crashed.deps);
      expect(crashed.state.phase).toBe('Ready');
      expect(crashed.state.roles).toEqual(clean.state.roles);
      expect(crashed.state.schemas).toEqual(clean.state.schemas);
      expect([...crashed.state.objects.keys()].sort()).toEqual([...clean.state.objects.keys()].sort());
      expect(crashed.state.tokens.size).toBe(1);
    },
  );

  it('deprovisioning leaves nothing behind, even when run twice or after a crash', async () => {
    const { state, deps, crashNext } = world();
    await run(PROVISION_STEPS, deps);
    crashNext('drop');
    await expect(run(DEPROVISION_STEPS, deps, 'op-2')).rejects.toThrow();
    expect([...state.tokens.values()].every((t) => t.revoked)).toBe(true);
    await run(DEPROVISION_STEPS, deps, 'op-2');
    await run(DEPROVISION_STEPS, deps, 'op-2');
    expect(state.roles.size + state.schemas.size + state.tokens.size).toBe(0);
    expect(state.workspaceRow).toBe(false);
  });

  it('rotation verifies the new token before revoking the old one', async () => {
    const { state, deps } = world();
    await run(PROVISION_STEPS, deps, 'op-1');
    await run(ROTATE_STEPS, deps, 'op-3');
    await run(ROTATE_STEPS, deps, 'op-3');
    const live = [...state.tokens.values()].filter((t) => !t.revoked);
    expect(live).toEqual([{ op: 'op-3', revoked: false }]);
    expect(state.tokens.size).toBe(2);
  });

  it('provisioning a workspace already being deleted stops before creating anything', async () => {
    const { state, deps } = world();
    state.phase = 'Deleting';
    const err = await run(PROVISION_STEPS, deps).catch((e) => e);
    expect(err).toBeInstanceOf(TerminalStepError);
    expect(err.message).toContain('being deleted');
    expect(state.roles.size + state.schemas.size + state.tokens.size).toBe(0);
    expect(state.phase).toBe('Deleting');
  });

  it('provisioning whose row is gone (tenant deleted) stops with a clear message', async () => {
    const { state, deps } = world();
    state.workspaceRow = false;
    await expect(run(PROVISION_STEPS, deps)).rejects.toThrow('no longer exists');
    expect(state.roles.size).toBe(0);
  });

  it('a deletion requested mid-provisioning is never overwritten by Ready; the deprovision cleans up', async () => {
    const { state, deps } = world();
    const steps = PROVISION_STEPS.map((s) => (s.name === 'bootstrap-objects' ? { ...s, run: async (c: never) => (await s.run(c), void (state.phase = 'Deleting')) } : s));
    await expect(run(steps, deps)).rejects.toThrow(TerminalStepError);
    expect(state.phase).toBe('Deleting');
    await run(DEPROVISION_STEPS, deps, 'op-2');
    expect(state.roles.size + state.schemas.size + state.tokens.size).toBe(0);
  });

  it('a Failed workspace can be provisioned again', async () => {
    const { state, deps } = world();
    state.phase = 'Failed';
    await run(PROVISION_STEPS, deps);
    expect(state.phase).toBe('Ready');
  });

  it('suspend and resume only move between Ready and Suspended', async () => {
    const { state, deps } = world();
    await run(PROVISION_STEPS, deps);
    await run(SUSPEND_STEPS, deps, 'op-s');
    await run(SUSPEND_STEPS, deps, 'op-s');
    expect(state.phase).toBe('Suspended');
    await run(RESUME_STEPS, deps, 'op-r');
    expect(state.phase).toBe('Ready');
    state.phase = 'Deleting';
    await expect(run(SUSPEND_STEPS, deps, 'op-s2')).rejects.toThrow(TerminalStepError);
    await expect(run(ROTATE_STEPS, deps, 'op-rot')).rejects.toThrow('rotation stopped');
  });

  it('calls the checkpoint before every step, in order', async () => {
    const { deps } = world();
    const seen: string[] = [];
    await runSteps(PROVISION_STEPS, { operation: op('op-1'), workspaceId: 'ws', deps, log: () => undefined, checkpoint: async (s) => void seen.push(s) });
    expect(seen).toEqual(PROVISION_STEPS.map((s) => s.name));
  });
});
