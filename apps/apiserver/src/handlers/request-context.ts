import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { CustomResourceInfo, ResourceType } from '@kplane/kube';
import type { WorkspaceStore } from '@kplane/store';
import type { DeletionFollowUp } from './delete.handler';
import type { ResourceBehaviour } from '../registry/resource-behaviour';

/** Everything a Kubernetes resource handler needs about one request. */
export interface ResourceRequest {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  workspaceId: string;
  store: WorkspaceStore;
  rt: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Background work started after the answer (GC, namespace controller). */
  followUp: DeletionFollowUp;
  /** Built-in or custom-resource specifics (fields, tables, admission, read view). */
  behaviour: ResourceBehaviour;
  /** Set for custom resources. */
  custom?: CustomResourceInfo;
  /** For what goes wrong after the answer has started (no Status can be sent then). */
  logger: Pick<Logger, 'warn'>;
}
