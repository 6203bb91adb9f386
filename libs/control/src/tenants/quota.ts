import { Quota, UNLIMITED_QUOTA } from './tenant.entity';

export const QUOTA_FIELDS = ['maxWorkspaces', 'maxObjectsPerWorkspace', 'maxStorageBytesPerWorkspace', 'maxRequestsPerSecondPerWorkspace'] as const;

/** A full quota from a partial one: missing fields are unlimited (null). */
export function completeQuota(partial: Partial<Quota> | null | undefined): Quota {
  return mergeQuota(UNLIMITED_QUOTA, partial);
}

/** `base` with the fields present in `changes` replaced (undefined keeps, null means unlimited). */
export function mergeQuota(base: Quota, changes: Partial<Quota> | null | undefined): Quota {
  const result: Quota = { ...UNLIMITED_QUOTA, ...pickQuota(base) };
  for (const field of QUOTA_FIELDS) {
    const value = changes?.[field];
    if (value !== undefined) result[field] = value;
  }
  return result;
}

function pickQuota(q: Partial<Quota> | null | undefined): Partial<Quota> {
  const out: Partial<Quota> = {};
  for (const field of QUOTA_FIELDS) {
    const v = q?.[field];
    if (typeof v === 'number' || v === null) out[field] = v;
  }
  return out;
}
