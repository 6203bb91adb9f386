export * from './field-errors';
export * from './names';
export * from './time-and-params';
export * from './object-meta-validation';
export * from './data-validation';
export * from './object-validation';
export * from './prepare-write';
export * from './deep-equal';
