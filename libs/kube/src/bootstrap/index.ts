export * from './bootstrap-objects';
