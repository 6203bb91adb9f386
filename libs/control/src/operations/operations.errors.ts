export type OperationErrorCode = 'OPERATION_NOT_FOUND';

export class OperationError extends Error {
  override readonly name = 'OperationError';

  constructor(
    readonly code: OperationErrorCode,
    message: string,
  ) {
    super(message);
  }
}
