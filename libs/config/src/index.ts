export * from './env-schema';
export * from './dev-secrets';
export * from './load-config';
