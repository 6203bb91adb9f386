export { applyMergePatch } from './merge-patch';
export * from './json-patch';
export * from './strategic-merge-patch';
export type { ListStrategy } from './strategic-merge-keys';
export { listStrategiesFor } from './strategic-merge-keys';
