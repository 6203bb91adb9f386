import { createBootstrapObjects } from '../bootstrap-objects';
import type { LifecycleDeps } from '../lifecycle-deps';
import type { Step } from '../step';

/** ProvisionWorkspace: schema + role -> DDL -> bootstrap objects -> credentials -> smoke test -> Ready. */
export const PROVISION_STEPS: Step<LifecycleDeps>[] = [
  { name: 'mark-provisioning', run: (c) => c.deps.progress.setWorkspacePhase(c.workspaceId, 'Provisioning', 'creating the control plane') },
  { name: 'create-role', run: (c) => c.deps.schemas.ensureRole(c.workspaceId) },
  { name: 'create-schema', run: (c) => c.deps.schemas.ensureSchema(c.workspaceId) },
  { name: 'apply-ddl', run: (c) => c.deps.schemas.applyDdl(c.workspaceId) },
  { name: 'bootstrap-objects', run: createBootstrapObjects },
  {
    name: 'issue-credentials-and-smoke-test',
    run: async (c) => {
      const token = await c.deps.credentials.issueForOperation(c.workspaceId, c.operation.id);
      await c.deps.smokeTest(c.workspaceId, token);
    },
  },
  { name: 'mark-ready', run: (c) => c.deps.progress.setWorkspacePhase(c.workspaceId, 'Ready', '') },
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
  {
    name: 'issue-and-verify-new-token',
    run: async (c) => {
      const token = await c.deps.credentials.issueForOperation(c.workspaceId, c.operation.id);
      await c.deps.smokeTest(c.workspaceId, token);
    },
  },
  { name: 'revoke-old-tokens', run: async (c) => void (await c.deps.credentials.revokeOthers(c.workspaceId, c.operation.id)) },
];

export const SUSPEND_STEPS: Step<LifecycleDeps>[] = [
  { name: 'mark-suspended', run: (c) => c.deps.progress.setWorkspacePhase(c.workspaceId, 'Suspended', 'suspended by request; data kept') },
];

export const RESUME_STEPS: Step<LifecycleDeps>[] = [
  { name: 'mark-ready', run: (c) => c.deps.progress.setWorkspacePhase(c.workspaceId, 'Ready', '') },
];
