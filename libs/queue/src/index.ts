export * from './queue-contracts';
export * from './redis-connection';
export * from './lifecycle-producer';
export * from './lifecycle-backoff';
export * from './webhook-contracts';
