import type { OperationType } from './operation.entity';

/**
 * The port through which services hand a committed operation to the queue. Services never
 * see BullMQ: the API binds this to a producer of `@kplane/queue`. Implementations may
 * throw; callers treat a failure as "the sweeper will enqueue it later".
 */
export interface OperationDispatcher {
  dispatch(type: OperationType, operationId: string): Promise<void>;
}

export const OPERATION_DISPATCHER = Symbol('OPERATION_DISPATCHER');
