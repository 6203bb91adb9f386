import { ChangeFeed, ChangeTrackedCache } from './change-tracked-cache';

const WS = 'ws-a';
const OTHER = 'ws-b';

/** A source whose stamp and value the test controls, counting the queries it would make. */
function source() {
  const s = {
    stamp: 's1',
    value: 'v1',
    stamps: 0,
    loads: 0,
    gate: undefined as Promise<void> | undefined,
    get: {
      stamp: async () => {
        s.stamps++;
        const stamp = s.stamp;
        await s.gate;
        return stamp;
      },
      load: async () => {
        s.loads++;
        return s.value;
      },
    },
  };
  return s;
}

describe('ChangeTrackedCache', () => {
  const feed: { listeningEpoch: number | null } = { listeningEpoch: 1 };
  let cache: ChangeTrackedCache<string>;
  beforeEach(() => {
    feed.listeningEpoch = 1;
    cache = new ChangeTrackedCache<string>(new Set(['crds']));
  });

  it('serves a validated entry without any query until a relevant signal', async () => {
    const src = source();
    expect(await cache.get(WS, feed, src.get)).toBe('v1');
    expect(await cache.get(WS, feed, src.get)).toBe('v1');
    expect([src.stamps, src.loads]).toEqual([1, 1]);

    cache.observe({ workspaceId: WS, rv: '9', resource: 'configmaps' }); // not one of ours
    cache.observe({ workspaceId: OTHER, rv: '9', resource: 'crds' }); // another workspace
    expect(await cache.get(WS, feed, src.get)).toBe('v1');
    expect(src.stamps).toBe(1);

    src.stamp = 's2';
    src.value = 'v2';
    cache.observe({ workspaceId: WS, rv: '10', resource: 'crds' });
    expect(await cache.get(WS, feed, src.get)).toBe('v2');
    expect([src.stamps, src.loads]).toEqual([2, 2]);
  });

  it('treats a signal without resource as touching everything', async () => {
    const src = source();
    await cache.get(WS, feed, src.get);
    cache.observe({ workspaceId: WS, rv: '3', resource: null });
    await cache.get(WS, feed, src.get);
    expect(src.stamps).toBe(2);
    expect(src.loads).toBe(1); // same stamp: the value is kept, only re-validated
  });

  it('re-validates every time while the feed is not listening, and after a reconnect', async () => {
    const src = source();
    feed.listeningEpoch = null;
    await cache.get(WS, feed, src.get);
    await cache.get(WS, feed, src.get);
    expect(src.stamps).toBe(2);
    feed.listeningEpoch = 2;
    await cache.get(WS, feed, src.get);
    await cache.get(WS, feed, src.get);
    expect(src.stamps).toBe(3);
    feed.listeningEpoch = 3; // reconnected: signals may have been missed
    await cache.get(WS, feed, src.get);
    expect(src.stamps).toBe(4);
    await cache.get(WS, feed, src.get, { revalidate: true });
    expect(src.stamps).toBe(5);
    expect(await cache.get(WS, undefined, src.get)).toBe('v1');
    expect(src.stamps).toBe(6);
  });

  it('does not trust a validation that a signal overlapped', async () => {
    const src = source();
    let open!: () => void;
    src.gate = new Promise<void>((r) => (open = r));
    const pending = cache.get(WS, feed, src.get); // reads stamp s1, then waits
    await Promise.resolve();
    cache.observe({ workspaceId: WS, rv: '5', resource: 'crds' }); // a CRD write committed meanwhile
    open();
    expect(await pending).toBe('v1');
    src.gate = undefined;
    src.stamp = 's2';
    src.value = 'v2';
    expect(await cache.get(WS, feed, src.get)).toBe('v2');
  });

  it('drops an entry at once for this replica\'s own writes', async () => {
    const src = source();
    await cache.get(WS, feed, src.get);
    src.stamp = 's2';
    src.value = 'v2';
    cache.invalidate(WS);
    expect(await cache.get(WS, feed, src.get)).toBe('v2');
  });

  it('keeps at most maxWorkspaces entries', async () => {
    const small = new ChangeTrackedCache<string>(new Set(['crds']), 2);
    const src = source();
    for (const ws of ['a', 'b', 'c']) await small.get(ws, feed as ChangeFeed, src.get);
    await small.get('a', feed, src.get); // evicted first
    await small.get('c', feed, src.get);
    expect(src.stamps).toBe(4);
  });
});
