export * from './crd.types';
export * from './crd-jsonpath';
export * from './crd-validation';
export * from './crd-status';
export * from './crd-resources';
export * from './crd-table';
export * from './crd-scale';
export * from './crd-openapi';
