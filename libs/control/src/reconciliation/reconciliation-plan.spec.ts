import { planReconciliation, ReconcileInput } from './reconciliation-plan';

const NOW = new Date('2030-01-01T01:00:00Z');
const ago = (s: number) => new Date(NOW.getTime() - s * 1000);
const base = (over: Partial<ReconcileInput>): ReconcileInput => ({
  now: NOW,
  graceMs: 300_000,
  schemas: [],
  roles: [],
  workspaces: [],
  operations: [],
  credentialWorkspaceIds: [],
  spares: [],
  outdatedSchemas: [],
  ...over,
});

describe('planReconciliation', () => {
  it('leaves a consistent shard alone', () => {
    const plan = planReconciliation(
      base({ schemas: ['w1'], roles: ['w1'], workspaces: [{ id: 'w1', phase: 'Ready' }], operations: [{ workspaceId: 'w1', inFlight: false, lastActivity: ago(10) }], credentialWorkspaceIds: ['w1'] }),
    );
    expect(plan).toEqual({ orphanSchemas: [], orphanRoles: [], missingSchemas: [], orphanCredentials: [], outdatedSchemas: [], deferred: [] });
  });

  it('upgrades the outdated schemas of serving workspaces only, and none with an operation in flight', () => {
    const plan = planReconciliation(
      base({
        schemas: ['ready', 'suspended', 'busy', 'failed', 'pending', 'spare', 'gone'],
        workspaces: [
          { id: 'ready', phase: 'Ready' },
          { id: 'suspended', phase: 'Suspended' },
          { id: 'busy', phase: 'Ready' },
          { id: 'failed', phase: 'Failed' },
          { id: 'pending', phase: 'Provisioning' },
        ],
        operations: [{ workspaceId: 'busy', inFlight: true, lastActivity: ago(1) }],
        spares: ['spare'],
        outdatedSchemas: ['ready', 'suspended', 'busy', 'failed', 'pending', 'spare', 'gone'],
      }),
    );
    expect(plan.outdatedSchemas).toEqual(['ready', 'suspended']);
  });

  it("never counts the warm pool's spares (being built, ready or being dropped) as orphans", () => {
    const plan = planReconciliation(base({ schemas: ['spare', 'gone'], roles: ['spare', 'gone', 'spare-role-only'], spares: ['spare', 'spare-role-only'] }));
    expect(plan.orphanSchemas).toEqual(['gone']);
    expect(plan.orphanRoles).toEqual(['gone']);
  });

  it('finds schemas and roles of workspaces that are gone once their operations are quiet', () => {
    const plan = planReconciliation(
      base({
        schemas: ['gone', 'no-history', 'recent'],
        roles: ['gone', 'no-history', 'recent', 'role-only'],
        operations: [
          { workspaceId: 'gone', inFlight: false, lastActivity: ago(3600) },
          { workspaceId: 'recent', inFlight: false, lastActivity: ago(10) },
          { workspaceId: 'role-only', inFlight: false, lastActivity: ago(3600) },
        ],
      }),
    );
    expect(plan.orphanSchemas).toEqual(['gone', 'no-history']);
    expect(plan.orphanRoles).toEqual(['gone', 'no-history', 'role-only']);
    expect(plan.deferred).toEqual(['recent']);
  });

  it('never considers roles this database knows nothing about (other databases on the server)', () => {
    const plan = planReconciliation(base({ roles: ['someone-elses'] }));
    expect(plan.orphanRoles).toEqual([]);
  });

  it('does not race an operation in flight, however old', () => {
    const plan = planReconciliation(base({ schemas: ['x'], roles: ['x'], operations: [{ workspaceId: 'x', inFlight: true, lastActivity: ago(99999) }] }));
    expect(plan.orphanSchemas).toEqual([]);
    expect(plan.orphanRoles).toEqual([]);
    expect(plan.deferred).toEqual(['x']);
  });

  it('reports Ready or Suspended workspaces whose schema or role is missing, not those being provisioned', () => {
    const plan = planReconciliation(
      base({
        schemas: ['role-gone'],
        roles: ['schema-gone', 'suspended-ok'],
        workspaces: [
          { id: 'schema-gone', phase: 'Ready' },
          { id: 'role-gone', phase: 'Suspended' },
          { id: 'provisioning', phase: 'Provisioning' },
          { id: 'resuming', phase: 'Suspended' },
        ],
        operations: [{ workspaceId: 'resuming', inFlight: true, lastActivity: ago(1) }],
      }),
    );
    expect(plan.missingSchemas).toEqual(['schema-gone', 'role-gone']);
  });

  it('finds credentials of deleted workspaces', () => {
    const plan = planReconciliation(base({ workspaces: [{ id: 'live', phase: 'Ready' }], credentialWorkspaceIds: ['live', 'dead', 'dead'], schemas: ['live'], roles: ['live'] }));
    expect(plan.orphanCredentials).toEqual(['dead']);
  });
});
