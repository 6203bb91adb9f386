import { DatabaseError } from 'pg';
import { StoreError } from '../store.errors';
import { isConnectionLoss, isStatementError, toStoreError } from './pg-error.mapper';

/** A server error as node-postgres builds it from an ErrorResponse. */
function serverError(severity: string, code: string, message = 'server said no'): DatabaseError {
  const err = new DatabaseError(message, message.length, 'error');
  err.severity = severity;
  err.code = code;
  return err;
}

describe('pg error classification', () => {
  it('a statement error leaves the session usable; a session the server ends does not', () => {
    expect(isStatementError(serverError('ERROR', '23505'))).toBe(true);
    expect(isStatementError(serverError('FATAL', '57P01', 'terminating connection due to administrator command'))).toBe(false);
    expect(isStatementError(serverError('PANIC', 'XX000'))).toBe(false);
    expect(isStatementError(new Error('Connection terminated unexpectedly'))).toBe(false);
  });

  it('recognises a lost or refused connection, also wrapped in a StoreError or a TypeORM error', () => {
    const terminated = serverError('FATAL', '57P01', 'terminating connection due to administrator command');
    expect(isConnectionLoss(terminated)).toBe(true);
    expect(isConnectionLoss(serverError('ERROR', '57P03', 'the database system is starting up'))).toBe(true);
    expect(isConnectionLoss(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionLoss(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
    expect(isConnectionLoss(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isConnectionLoss(toStoreError(terminated, 'objects.get'))).toBe(true);
    expect(isConnectionLoss(Object.assign(new Error('Query failed'), { driverError: new Error('Connection terminated unexpectedly') }))).toBe(true);
  });

  it('does not take a failing statement or a bug for a lost connection', () => {
    expect(isConnectionLoss(serverError('ERROR', '42601', 'syntax error at or near "SELEC"'))).toBe(false);
    expect(isConnectionLoss(new StoreError('STORE_NOT_FOUND', 'configmaps default/x not found'))).toBe(false);
    expect(isConnectionLoss(new TypeError("Cannot read properties of undefined (reading 'rows')"))).toBe(false);
    expect(isConnectionLoss(undefined)).toBe(false);
  });
});
