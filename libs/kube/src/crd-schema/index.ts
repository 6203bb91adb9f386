export { JSONSchemaProps, FieldValidation, JsonObject } from './crd-schema.types';
export { KNOWN_FORMATS } from './k8s-formats';
export { toAjvSchema } from './ajv-schema';
export { FieldReason, formatValue } from './field-errors';
export { structuralSchemaCauses, crdSchemaFieldPrefix } from './structural-schema';
export { PruneResult } from './prune';
export { CompiledCrdSchema, CrdSchemaTarget, compileCrdSchema } from './compiled-crd-schema';
export { CrdSchemaCache } from './crd-schema-cache';
export { AdmitCustomResourceOptions, AdmitCustomResourceResult, admitCustomResource, strictDecodingMessage } from './admit-custom-resource';
