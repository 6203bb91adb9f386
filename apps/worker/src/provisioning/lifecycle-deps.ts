import type { CredentialsService, OperationProgress } from '@kplane/control';
import type { WorkspaceSchemas, WorkspaceStore } from '@kplane/store';

/** What lifecycle steps need, as plain interfaces, so step lists are testable without Nest or Redis. */
export interface LifecycleDeps {
  schemas: Pick<WorkspaceSchemas, 'ensureBuilt' | 'drop'>;
  storeFor(workspaceId: string): Pick<WorkspaceStore, 'createAbsent'>;
  credentials: Pick<CredentialsService, 'issueForOperation' | 'revokeOthers' | 'revokeAll' | 'deleteAll'>;
  progress: Pick<OperationProgress, 'setWorkspacePhase' | 'transitionWorkspacePhase' | 'workspacePhase' | 'deleteWorkspaceRow'>;
  smokeTest(workspaceId: string, token: string): Promise<void>;
}
