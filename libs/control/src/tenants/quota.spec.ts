import { completeQuota, mergeQuota } from './quota';

describe('quota helpers', () => {
  it('completes a partial quota with unlimited fields', () => {
    expect(completeQuota({ maxWorkspaces: 3 })).toEqual({
      maxWorkspaces: 3,
      maxObjectsPerWorkspace: null,
      maxStorageBytesPerWorkspace: null,
      maxRequestsPerSecondPerWorkspace: null,
    });
    expect(completeQuota(undefined)).toEqual(completeQuota({}));
  });

  it('merges only the fields given; null sets unlimited', () => {
    const base = completeQuota({ maxWorkspaces: 3, maxObjectsPerWorkspace: 10 });
    expect(mergeQuota(base, { maxObjectsPerWorkspace: null, maxRequestsPerSecondPerWorkspace: 5 })).toEqual({
      maxWorkspaces: 3,
      maxObjectsPerWorkspace: null,
      maxStorageBytesPerWorkspace: null,
      maxRequestsPerSecondPerWorkspace: 5,
    });
  });
});
