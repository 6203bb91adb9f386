import type { WorkspacePhase } from '../workspaces/workspace.entity';

/** What the control schema and one shard say, gathered by ReconciliationRepository. */
export interface ReconcileInput {
  now: Date;
  /** Orphans younger than this (by their last operation) are left alone: a request may be in flight. */
  graceMs: number;
  /** Workspace ids with a `ws_*` schema in this database. */
  schemas: string[];
  /** Workspace ids with a `ws_*` role on the server (server-wide: includes other databases' roles). */
  roles: string[];
  workspaces: { id: string; phase: WorkspacePhase }[];
  /** Per workspace id in this database's operation history. */
  operations: { workspaceId: string; inFlight: boolean; lastActivity: Date }[];
  /** Workspace ids that still have credential rows. */
  credentialWorkspaceIds: string[];
  /** Ids of the warm pool's spares: their schemas and roles are accounted for (libs/control spares). */
  spares: string[];
  /** Workspace ids whose schema was built at an older version of the workspace DDL. */
  outdatedSchemas: string[];
}

export interface ReconcilePlan {
  /** Schemas of no workspace, quiet for longer than the grace period: drop (with their role). */
  orphanSchemas: string[];
  /** Roles of this database's former workspaces, with no workspace: drop. */
  orphanRoles: string[];
  /** Ready/Suspended workspaces whose schema or role is gone: mark Failed. */
  missingSchemas: string[];
  /** Credentials of workspaces that no longer exist: delete. */
  orphanCredentials: string[];
  /** Ready/Suspended workspaces whose schema is at an older version: apply the missing versions. */
  outdatedSchemas: string[];
  /** Orphans left for a later run (operation in flight or within the grace period). */
  deferred: string[];
}

const SERVING: WorkspacePhase[] = ['Ready', 'Suspended'];

/**
 * Pure comparison of the control schema with a shard. Roles are server-wide, so a role is only
 * ever considered ours when this database has a schema of that name or its operation history
 * names the workspace: another database's workspace roles (other control planes, other tests on
 * the same server) are never candidates.
 */
export function planReconciliation(input: ReconcileInput): ReconcilePlan {
  const rows = new Map(input.workspaces.map((w) => [w.id, w.phase]));
  const spares = new Set(input.spares);
  const ops = new Map(input.operations.map((o) => [o.workspaceId, o]));
  const schemas = new Set(input.schemas);
  const roles = new Set(input.roles);
  const deferred = new Set<string>();
  const quiet = (id: string): boolean => {
    const op = ops.get(id);
    if (!op) return true;
    return !op.inFlight && input.now.getTime() - op.lastActivity.getTime() > input.graceMs;
  };
  const orphan = (id: string): boolean => {
    if (rows.has(id) || spares.has(id)) return false;
    if (quiet(id)) return true;
    deferred.add(id);
    return false;
  };
  const orphanSchemas = input.schemas.filter(orphan);
  const ours = (id: string) => schemas.has(id) || ops.has(id) || rows.has(id) || spares.has(id);
  const orphanRoles = input.roles.filter((id) => ours(id) && orphan(id));
  const missingSchemas = input.workspaces
    .filter((w) => SERVING.includes(w.phase) && (!schemas.has(w.id) || !roles.has(w.id)) && !ops.get(w.id)?.inFlight)
    .map((w) => w.id);
  const orphanCredentials = [...new Set(input.credentialWorkspaceIds)].filter((id) => !rows.has(id) && !ops.get(id)?.inFlight);
  // Other phases are left to their operation: provisioning builds to the latest version anyway.
  const serving = (id: string) => {
    const phase = rows.get(id);
    return phase !== undefined && SERVING.includes(phase);
  };
  const outdatedSchemas = input.outdatedSchemas.filter((id) => serving(id) && !ops.get(id)?.inFlight);
  return { orphanSchemas, orphanRoles, missingSchemas, orphanCredentials, outdatedSchemas, deferred: [...deferred].sort() };
}
