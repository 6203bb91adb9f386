export * from './list-object';
