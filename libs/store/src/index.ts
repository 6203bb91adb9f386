// Public surface of @kplane/store. Internal modules are not imported from outside this lib.
export { StoreError, isStoreError } from './store.errors';
export type { StoreErrorCode } from './store.errors';
export type { LabelRequirement, FieldRequirement } from './selectors/selector-types';
export { WORKSPACE_SCHEMA_PATTERN, workspaceSchemaName, workspaceIdFromSchemaName } from './schemas/workspace-schema-name';
export { WorkspaceSchemas } from './schemas/workspace-schemas';
export { LATEST_WORKSPACE_SCHEMA_VERSION } from './sql/workspace-ddl';
export { CHANGES_CHANNEL } from './sql/statements';
export { WorkspaceStore } from './objects/workspace-store';
export type { KubeObject, ListOptions, ListResult, UpdateOptions, DeleteOptions, DeleteCollectionOptions } from './objects/kube-object.types';
export { isFinalizerHeld } from './objects/kube-object.types';
export type { CollectGarbageOptions } from './objects/garbage-collector';
export { compactAll } from './maintenance/compact-all';
export type { CompactAllOptions, CompactAllResult } from './maintenance/compact-all';
export type { ChangeEvent, CompactOptions, CompactResult } from './objects/change-log.types';
export { WatchHub } from './watch/watch-hub';
export type { WatchHubOptions } from './watch/watch-hub';
export { Watcher } from './watch/watcher';
export type { WatcherCloseReason } from './watch/watcher';
