import type { WorkspacePhase } from '@kplane/control';
import { createBootstrapObjects } from '../bootstrap-objects';
import type { LifecycleDeps } from '../lifecycle-deps';
import { StepContext, TerminalStepError, type Step } from '../step';

const why = (phase: WorkspacePhase | null): string =>
  phase === null ? 'the workspace no longer exists' : phase === 'Deleting' ? 'the workspace is being deleted' : `the workspace is ${phase}`;

/**
 * Compare-and-set on the workspace phase: a deletion requested meanwhile (phase Deleting) or
 * a row already gone stops the operation for good instead of being overwritten.
 */
function transition(from: WorkspacePhase[], to: WorkspacePhase, message: string, stopped: string) {
  return async (c: StepContext<LifecycleDeps>): Promise<void> => {
    const { changed, phase } = await c.deps.progress.transitionWorkspacePhase(c.workspaceId, from, to, message);
    if (!changed) throw new TerminalStepError(`${stopped}: ${why(phase)}`);
  };
}

/** Guards operations that only make sense on a live workspace (rotation). */
function requirePhase(allowed: WorkspacePhase[], stopped: string) {
  return async (c: StepContext<LifecycleDeps>): Promise<void> => {
    const phase = await c.deps.progress.workspacePhase(c.workspaceId);
    if (phase === null || !allowed.includes(phase)) throw new TerminalStepError(`${stopped}: ${why(phase)}`);
  };
}

/** ProvisionWorkspace: role + schema + DDL (one transaction) -> bootstrap objects -> credentials -> smoke test -> Ready. */
export const PROVISION_STEPS: Step<LifecycleDeps>[] = [
  {
    name: 'mark-provisioning',
    run: transition(['Pending', 'Provisioning', 'Failed'], 'Provisioning', 'creating the control plane', 'provisioning stopped before creating anything'),
  },
  { name: 'create-role-schema-and-tables', run: (c) => c.deps.schemas.ensureBuilt(c.workspaceId) },
  { name: 'bootstrap-objects', run: createBootstrapObjects },
  {
    name: 'issue-credentials-and-smoke-test',
    run: async (c) => {
      const token = await c.deps.credentials.issueForOperation(c.workspaceId, c.operation.id);
      await c.deps.smokeTest(c.workspaceId, token);
    },
  },
  {
    name: 'mark-ready',
    run: transition(['Provisioning', 'Ready'], 'Ready', '', 'provisioning stopped (the deletion that follows removes what was created)'),
  },
];

/** DeprovisionWorkspace: revoke at once, then drop everything the workspace owned. */
export const DEPROVISION_STEPS: Step<LifecycleDeps>[] = [
  { name: 'mark-deleting', run: (c) => c.deps.progress.setWorkspacePhase(c.workspaceId, 'Deleting', 'deleting the control plane') },
  { name: 'revoke-credentials', run: (c) => c.deps.credentials.revokeAll(c.workspaceId) },
  { name: 'drop-schema-and-role', run: (c) => c.deps.schemas.drop(c.workspaceId) },
  { name: 'delete-credentials', run: (c) => c.deps.credentials.deleteAll(c.workspaceId) },
  { name: 'delete-workspace-record', run: (c) => c.deps.progress.deleteWorkspaceRow(c.workspaceId) },
];

/** RotateCredentials: the new token works before the old ones are revoked. */
export const ROTATE_STEPS: Step<LifecycleDeps>[] = [
  { name: 'check-workspace-live', run: requirePhase(['Ready', 'Suspended'], 'rotation stopped') },
  {
    name: 'issue-and-verify-new-token',
    run: async (c) => {
      const token = await c.deps.credentials.issueForOperation(c.workspaceId, c.operation.id);
      // A suspended workspace answers 503, so its new token cannot be smoke-tested; it is verified on resume.
      if ((await c.deps.progress.workspacePhase(c.workspaceId)) === 'Ready') await c.deps.smokeTest(c.workspaceId, token);
    },
  },
  { name: 'revoke-old-tokens', run: async (c) => void (await c.deps.credentials.revokeOthers(c.workspaceId, c.operation.id)) },
];

export const SUSPEND_STEPS: Step<LifecycleDeps>[] = [
  { name: 'mark-suspended', run: transition(['Ready', 'Suspended'], 'Suspended', 'suspended by request; data kept', 'suspension stopped') },
];

export const RESUME_STEPS: Step<LifecycleDeps>[] = [
  { name: 'mark-resumed', run: transition(['Ready', 'Suspended'], 'Ready', '', 'resumption stopped') },
];
