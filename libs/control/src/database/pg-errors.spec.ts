import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable, isUniqueViolation } from './pg-errors';

const queryFailed = (driverError: object) => new QueryFailedError('SELECT 1', [], Object.assign(new Error('x'), driverError));

describe('pg error translation helpers', () => {
  it('recognises a unique violation on a named constraint', () => {
    expect(isUniqueViolation(queryFailed({ code: '23505', constraint: 'tenants_name_key' }), 'tenants_name_key')).toBe(true);
    expect(isUniqueViolation(queryFailed({ code: '23505', constraint: 'other' }), 'tenants_name_key')).toBe(false);
    expect(isUniqueViolation(new Error('x'), 'tenants_name_key')).toBe(false);
  });

  it('recognises an unreachable database', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnavailable(queryFailed({ code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(queryFailed({ code: '08006' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(queryFailed({ code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
  });
});
