import { ValidationError } from 'class-validator';
import { flattenValidationErrors } from './request-validation';
import { statusForCode } from './problem.filter';
import { problem } from './problem';

describe('flattenValidationErrors', () => {
  it('gives dotted field paths and flags unknown fields', () => {
    const child = Object.assign(new ValidationError(), { property: 'maxWorkspaces', constraints: { isInt: 'maxWorkspaces must be an integer number' } });
    const errors = [
      Object.assign(new ValidationError(), { property: 'name', constraints: { isDnsLabel: 'name is required' } }),
      Object.assign(new ValidationError(), { property: 'quota', children: [child] }),
    ];
    expect(flattenValidationErrors(errors)).toEqual({
      problems: [
        { field: 'name', message: 'name is required' },
        { field: 'quota.maxWorkspaces', message: 'quota.maxWorkspaces must be an integer number' },
      ],
      hasUnknownFields: false,
    });
    const unknown = [Object.assign(new ValidationError(), { property: 'colour', constraints: { whitelistValidation: 'property colour should not exist' } })];
    expect(flattenValidationErrors(unknown)).toEqual({ problems: [{ field: 'colour', message: 'unknown field "colour"' }], hasUnknownFields: true });
  });
});

describe('problem documents', () => {
  it('maps codes to the contract statuses', () => {
    expect(statusForCode('TENANT_NAME_TAKEN')).toBe(409);
    expect(statusForCode('WORKSPACE_NOT_READY')).toBe(409);
    expect(statusForCode('TENANT_INVALID')).toBe(422);
    expect(statusForCode('IDEMPOTENCY_KEY_REUSED')).toBe(422);
    expect(statusForCode('INVALID_CURSOR')).toBe(400);
    expect(statusForCode('TENANT_NOT_FOUND')).toBe(404);
    expect(statusForCode('UNAUTHENTICATED')).toBe(401);
  });

  it('builds RFC 9457 bodies', () => {
    expect(problem(404, 'gone', { code: 'TENANT_NOT_FOUND' })).toEqual({
      type: 'https://kplane.dev/problems/tenant-not-found',
      title: 'Not Found',
      status: 404,
      detail: 'gone',
      code: 'TENANT_NOT_FOUND',
    });
    expect(problem(422, 'bad', { errors: [{ field: 'name', message: 'x' }] }).errors).toEqual([{ field: 'name', message: 'x' }]);
  });
});
