export * from './rbac.types';
export * from './label-selector';
export * from './authorizer';
export * from './forbidden';
export * from './reviews';
export * from './bootstrap-policy';
