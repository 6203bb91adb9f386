export * from './openapi-v3';
export { schemaPackage } from './schemas';
export type { Schema as OpenApiSchema } from './schemas';
