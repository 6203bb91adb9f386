import {
  alreadyExists,
  badRequest,
  conflict,
  expired,
  forbidden,
  internalError,
  invalid,
  isKubeStatusError,
  KubeStatusError,
  methodNotAllowed,
  notAcceptable,
  notFound,
  requestEntityTooLarge,
  serviceUnavailable,
  successStatus,
  timeout,
  tooManyRequests,
  unauthorized,
  unsupportedMediaType,
} from './index';

describe('status factories', () => {
  it('notFound matches the apiserver body for the core group', () => {
    const e = notFound('configmaps', '', 'nope');
    expect(e).toBeInstanceOf(KubeStatusError);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe(404);
    expect(e.message).toBe('configmaps "nope" not found');
    expect(e.status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', kind: 'configmaps' },
      code: 404,
    });
  });

  it('notFound qualifies the resource with a group', () => {
    const e = notFound('widgets', 'example.com', 'x');
    expect(e.status.message).toBe('widgets.example.com "x" not found');
    expect(e.status.details).toEqual({ name: 'x', group: 'example.com', kind: 'widgets' });
  });

  it('alreadyExists is 409 AlreadyExists', () => {
    const e = alreadyExists('configmaps', '', 'x');
    expect([e.code, e.status.reason, e.status.message]).toEqual([409, 'AlreadyExists', 'configmaps "x" already exists']);
  });

  it('conflict has the default optimistic-concurrency wording', () => {
    const e = conflict('configmaps', '', 'a');
    expect(e.status.message).toBe(
      'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect(e.status.reason).toBe('Conflict');
    expect(conflict('configmaps', '', 'a', 'Precondition failed').status.message).toBe(
      'Operation cannot be fulfilled on configmaps "a": Precondition failed',
    );
  });

  it('invalid lists causes in the message and carries the Kind', () => {
    const e = invalid('ConfigMap', '', 'X_', [{ field: 'metadata.name', message: 'Invalid value: "X_": bad' }]);
    expect(e.code).toBe(422);
    expect(e.status.message).toBe('ConfigMap "X_" is invalid: [metadata.name: Invalid value: "X_": bad]');
    expect(e.status.details).toEqual({
      name: 'X_',
      kind: 'ConfigMap',
      causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "X_": bad', field: 'metadata.name' }],
    });
  });

  it.each([
    [badRequest('nope'), 400, 'BadRequest'],
    [unauthorized(), 401, 'Unauthorized'],
    [forbidden('no'), 403, 'Forbidden'],
    [methodNotAllowed(), 405, 'MethodNotAllowed'],
    [notAcceptable(), 406, 'NotAcceptable'],
    [expired('too old'), 410, 'Expired'],
    [requestEntityTooLarge('big'), 413, 'RequestEntityTooLarge'],
    [unsupportedMediaType(['application/json']), 415, 'UnsupportedMediaType'],
    [tooManyRequests(3), 429, 'TooManyRequests'],
    [internalError('boom'), 500, 'InternalError'],
    [serviceUnavailable('down'), 503, 'ServiceUnavailable'],
    [timeout('slow'), 504, 'Timeout'],
  ])('%# has the right code and reason', (e, code, reason) => {
    expect(e.code).toBe(code);
    expect(e.status.reason).toBe(reason);
    expect(isKubeStatusError(e)).toBe(true);
  });

  it('unsupportedMediaType lists accepted types', () => {
    expect(unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json']).message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json',
    );
  });

  it('retry-after travels in details', () => {
    expect(tooManyRequests(5).retryAfterSeconds).toBe(5);
    expect(serviceUnavailable('x', 7).status.details).toEqual({ retryAfterSeconds: 7 });
    expect(serviceUnavailable('x').status.details).toBeUndefined();
  });

  it('forbidden keeps the given details', () => {
    const e = forbidden('configmaps "x" is forbidden: terminating', {
      name: 'x',
      kind: 'configmaps',
      causes: [{ reason: 'NamespaceTerminating', field: 'metadata.namespace' }],
    });
    expect(e.status.details?.causes?.[0].reason).toBe('NamespaceTerminating');
  });

  it('successStatus builds a delete reply', () => {
    expect(successStatus({ name: 'c1', kind: 'configmaps', uid: 'u', group: '' })).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: 'c1', kind: 'configmaps', uid: 'u' },
    });
  });

  it('serialises to JSON as the status body', () => {
    expect(JSON.parse(JSON.stringify(notFound('secrets', '', 's').status)).reason).toBe('NotFound');
  });
});
