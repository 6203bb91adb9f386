export * from './selector.types';
export * from './label-rules';
export * from './label-selector-parser';
export * from './field-selector-parser';
export * from './selector-matching';
