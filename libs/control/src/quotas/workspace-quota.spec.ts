import { UNLIMITED_WORKSPACE_QUOTA, WorkspaceQuota, WorkspaceQuotaCache, workspaceQuotaOf } from './workspace-quota';

const q = (maxObjects: number | null): WorkspaceQuota => ({ maxObjects, maxStorageBytes: null, maxRequestsPerSecond: null });

describe('workspaceQuotaOf', () => {
  it('maps tenant quota fields, anything else is unlimited', () => {
    expect(workspaceQuotaOf({ maxObjectsPerWorkspace: 10, maxStorageBytesPerWorkspace: 0, maxRequestsPerSecondPerWorkspace: null, maxWorkspaces: 3 })).toEqual({
      maxObjects: 10,
      maxStorageBytes: 0,
      maxRequestsPerSecond: null,
    });
    expect(workspaceQuotaOf(null)).toEqual(UNLIMITED_WORKSPACE_QUOTA);
    expect(workspaceQuotaOf({ maxObjectsPerWorkspace: -1 as number })).toEqual(UNLIMITED_WORKSPACE_QUOTA);
  });
});

describe('WorkspaceQuotaCache', () => {
  it('caches for the TTL, then looks up again; concurrent misses share one lookup', async () => {
    let now = 0;
    let value = 10;
    const lookup = jest.fn(async () => q(value));
    const cache = new WorkspaceQuotaCache(lookup, { ttlMs: 3000, now: () => now });
    const [a, b] = await Promise.all([cache.get('w'), cache.get('w')]);
    expect(a).toEqual(q(10));
    expect(b).toEqual(q(10));
    expect(lookup).toHaveBeenCalledTimes(1);
    value = 20;
    now = 2999;
    expect(await cache.get('w')).toEqual(q(10));
    now = 3000;
    expect(await cache.get('w')).toEqual(q(20));
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('unknown workspaces are unlimited; a failed refresh keeps the last known quota, with none it throws', async () => {
    let now = 0;
    let fail = false;
    const cache = new WorkspaceQuotaCache(async (id) => {
      if (fail) throw new Error('down');
      return id === 'known' ? q(5) : null;
    }, { ttlMs: 1000, now: () => now });
    expect(await cache.get('unknown')).toEqual(UNLIMITED_WORKSPACE_QUOTA);
    expect(await cache.get('known')).toEqual(q(5));
    fail = true;
    now = 5000;
    expect(await cache.get('known')).toEqual(q(5));
    await expect(cache.get('other')).rejects.toThrow('down');
  });

  it('peek answers synchronously and refreshes in the background', async () => {
    const cache = new WorkspaceQuotaCache(async () => q(7), { ttlMs: 1000 });
    expect(cache.peek('w')).toBeUndefined();
    await new Promise((r) => setImmediate(r));
    expect(cache.peek('w')).toEqual(q(7));
  });

  it('evicts the oldest entries beyond maxEntries', async () => {
    const lookup = jest.fn(async () => q(1));
    const cache = new WorkspaceQuotaCache(lookup, { maxEntries: 2 });
    await cache.get('a');
    await cache.get('b');
    await cache.get('c');
    await cache.get('a');
    expect(lookup).toHaveBeenCalledTimes(4);
  });
});
