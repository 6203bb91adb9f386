export type { FieldSet, FieldsV1, PathElements } from './field-path';
export { fromFieldsV1, pathString, toFieldsV1 } from './field-path';
export type { FieldSetOptions, FieldSetType } from './field-set';
export { fieldSetOf, UNTRACKED_METADATA } from './field-set';
export type { ManagedFieldsEntry, ManagedFieldsOperation, OptionsKind, RecordUpdateInput } from './managed-fields';
export {
  BEFORE_FIRST_APPLY_MANAGER,
  decodeManagedFields,
  defaultFieldManager,
  FIELD_MANAGER_MAX_LENGTH,
  recordUpdate,
  rejectManagedFieldsInIntent,
  resolveFieldManager,
  validateFieldManager,
  validateForce,
} from './managed-fields';
export type { ApplyConflict, ApplyServerSideInput, ApplyServerSideResult } from './server-side-apply';
export { applyServerSide, mergeIntent } from './server-side-apply';
