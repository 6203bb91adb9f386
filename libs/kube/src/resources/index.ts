export * from './resource-type';
export * from './builtin-resources';
export * from './resource-lookup';
export * from './field-values';
