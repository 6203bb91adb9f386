export * from './cursor';
export * from './label-selector';
export * from './pagination.errors';
