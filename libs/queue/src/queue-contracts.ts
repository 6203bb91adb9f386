import type { OperationType } from '@kplane/control';

/** Queues are named by workload; job names are the operation types, never class names. */
export const WORKSPACE_LIFECYCLE_QUEUE = 'workspace-lifecycle';

export type LifecycleJobName = OperationType;

/** Job payloads carry ids only; the worker loads everything else from Postgres. */
export interface LifecycleJobData {
  operationId: string;
}

/**
 * Retries back off exponentially from `delay` (1 s, 2 s, 4 s ...), capped at
 * LIFECYCLE_BACKOFF_CAP_MS; the strategy itself lives in lifecycle-backoff.ts and is
 * registered on the lifecycle worker.
 */
export const LIFECYCLE_BACKOFF_TYPE = 'kplane-capped-exponential';
export const LIFECYCLE_BACKOFF_CAP_MS = 60_000;
export const LIFECYCLE_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: LIFECYCLE_BACKOFF_TYPE, delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 10000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** The job id is the operation id, so an operation is never queued or run twice at once. */
export const lifecycleJobId = (operationId: string): string => operationId;

/**
 * Periodic upkeep: change-log compaction, garbage collection, sweeping operations Redis never
 * ran (SweepOperations) and comparing the control schema with the shards (ReconcileWorkspaces).
 */
export const MAINTENANCE_QUEUE = 'maintenance';
export const MAINTENANCE_JOBS = {
  compactChangeLogs: 'CompactChangeLogs',
  collectGarbage: 'CollectGarbage',
  sweepOperations: 'SweepOperations',
  reconcileWorkspaces: 'ReconcileWorkspaces',
  meterUsage: 'MeterUsage',
  sweepWebhooks: 'SweepWebhooks',
  topUpSpareWorkspaces: 'TopUpSpareWorkspaces',
} as const;
export type MaintenanceJobName = (typeof MAINTENANCE_JOBS)[keyof typeof MAINTENANCE_JOBS];
