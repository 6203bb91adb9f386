import { Logger } from '@nestjs/common';
import type { OperationEntity } from './operation.entity';
import type { OperationDispatcher } from './operation-dispatcher';

const logger = new Logger('OperationDispatch');

/**
 * Hands a committed operation to the queue. A failure (Redis down) is logged and swallowed:
 * the operation row stays Queued and the sweeper enqueues it later.
 */
export async function dispatchAfterCommit(dispatcher: OperationDispatcher, op: OperationEntity): Promise<boolean> {
  try {
    await dispatcher.dispatch(op.type, op.id);
    return true;
  } catch (err) {
    logger.warn({ operationId: op.id, type: op.type, err: (err as Error).message }, 'enqueue failed; operation stays Queued for the sweeper');
    return false;
  }
}
