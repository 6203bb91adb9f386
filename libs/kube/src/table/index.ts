export * from './table.types';
export * from './format-age';
export * from './builtin-columns';
export * from './to-table';
