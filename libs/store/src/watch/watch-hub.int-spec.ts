import { randomUUID } from 'node:crypto';
import { createStoreTestDb, StoreTestDb } from '../testing/store-test-db';
import { ChangeEvent } from '../objects/change-log.types';
import { WorkspaceStore } from '../objects/workspace-store';
import { WatchHub } from './watch-hub';
import { Watcher } from './watcher';

/** Pulls n events, failing with what arrived if they do not within the bound. */
async function take(w: Watcher, n: number, timeoutMs = 5000): Promise<ChangeEvent[]> {
  const got: ChangeEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (got.length < n) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), Math.max(0, deadline - Date.now()))));
    const ev = await Promise.race([w.next(), timeout]);
    clearTimeout(timer);
    if (ev === 'timeout') throw new Error(`timed out with ${got.length}/${n} events: ${got.map((e) => e.rv).join(',')} (closed: ${w.closeReason})`);
    if (ev === null) throw new Error(`watcher closed (${w.closeReason}: ${w.message}) after ${got.length}/${n} events`);
    got.push(ev);
  }
  return got;
}

const obj = (name: string) => ({ metadata: { name, namespace: 'd', uid: randomUUID() } });

describe('WatchHub', () => {
  let t: StoreTestDb;
  let hub: WatchHub;
  beforeAll(async () => {
    t = await createStoreTestDb();
    hub = new WatchHub({ pool: t.pool, listenConnection: { connectionString: t.db.url }, queueCapacity: 20, batchSize: 7, pollIntervalMs: 60_000, reconnectDelayMs: 50 });
    await hub.start();
  });
  afterAll(async () => {
    await hub.stop();
    await t.close();
  });

  it('delivers live changes of its workspace only, in revision order', async () => {
    const a = await t.newWorkspace();
    const b = await t.newWorkspace();
    const w = hub.watch(a.id, await a.store.currentResourceVersion());
    for (let i = 0; i < 15; i++) {
      await a.store.create('configmaps', obj(`a${i}`));
      await b.store.create('configmaps', obj(`b${i}`));
    }
    const events = await take(w, 15);
    expect(events.map((e) => e.rv)).toEqual(Array.from({ length: 15 }, (_, i) => String(i + 2)));
    expect(events.every((e) => e.name.startsWith('a') && e.type === 'ADDED')).toBe(true);
    w.close();
    expect(await w.next()).toBeNull();
    expect(hub.activeWorkspaces).toBe(0);
  });

  it('replays from an old revision, then continues live, alongside a live watcher', async () => {
    const { id, store } = await t.newWorkspace();
    for (let i = 0; i < 10; i++) await store.create('configmaps', obj(`old${i}`));
    const live = hub.watch(id, await store.currentResourceVersion()); // at 11
    const replay = hub.watch(id, '3');
    await store.create('configmaps', obj('new'));
    expect((await take(replay, 9)).map((e) => e.rv)).toEqual(['4', '5', '6', '7', '8', '9', '10', '11', '12']);
    expect((await take(live, 1)).map((e) => e.rv)).toEqual(['12']);
    await store.delete('configmaps', 'd', 'new');
    expect((await take(replay, 1))[0]).toMatchObject({ rv: '13', type: 'DELETED' });
    expect((await take(live, 1))[0]).toMatchObject({ rv: '13', type: 'DELETED' });
    live.close();
    replay.close();
  });

  it('closes a watcher that falls behind without holding up the others', async () => {
    const { id, store } = await t.newWorkspace();
    const rv = await store.currentResourceVersion();
    const slow = hub.watch(id, rv);
    const fast = hub.watch(id, rv);
    const consumed: string[] = [];
    const consumer = (async () => {
      for await (const ev of fast) {
        consumed.push(ev.rv);
        if (consumed.length === 40) return;
      }
    })();
    for (let i = 0; i < 40; i++) await store.create('configmaps', obj(`x${i}`));
    await consumer;
    expect(consumed).toHaveLength(40);
    expect(slow.closeReason).toBe('too-slow');
    fast.close();
  });

  it('ends a watch from a compacted revision as expired', async () => {
    const { store, id } = await t.newWorkspace();
    for (let i = 0; i < 5; i++) await store.create('configmaps', obj(`c${i}`));
    await store.compact({ keepSeconds: 0, keepCount: 2 });
    const w = hub.watch(id, '2');
    expect(await w.next()).toBeNull();
    expect(w.closeReason).toBe('expired');
    expect(w.message).toMatch(/too old resource version: 2/);
  });

  it('resumes after the LISTEN connection is killed', async () => {
    const { id, store } = await t.newWorkspace();
    const w = hub.watch(id, await store.currentResourceVersion());
    await t.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`);
    await new Promise((r) => setTimeout(r, 100));
    await store.create('configmaps', obj('after'));
    // Either the reconnect's catch-up read or the new LISTEN delivers it.
    expect((await take(w, 1, 10_000))[0]).toMatchObject({ name: 'after' });
    w.close();
  });

  it('signals every committed write with its workspace and resource, and a new epoch after a reconnect', async () => {
    const { id, store } = await t.newWorkspace();
    const seen: string[] = [];
    const off = hub.onChange((s) => {
      if (s.workspaceId === id) seen.push(`${s.resource}@${s.rv}`);
    });
    try {
      const cm = await store.create('configmaps', obj('sig'));
      await store.update('configmaps', { ...cm, data: { a: '1' } });
      await store.create('roles.rbac.authorization.k8s.io', obj('r'));
      await store.delete('configmaps', 'd', 'sig');
      await store.deleteCollection('roles.rbac.authorization.k8s.io', {});
      const deadline = Date.now() + 5000;
      while (seen.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(seen).toEqual(['configmaps@2', 'configmaps@3', 'roles.rbac.authorization.k8s.io@4', 'configmaps@5', 'roles.rbac.authorization.k8s.io@6']);

      const epoch = hub.listeningEpoch;
      expect(epoch).not.toBeNull();
      await t.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`);
      const until = Date.now() + 10_000;
      while ((hub.listeningEpoch === null || hub.listeningEpoch === epoch) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      expect(hub.listeningEpoch).toBeGreaterThan(epoch!);
    } finally {
      off();
    }
  });

  it('rejects a non-numeric starting revision', () => {
    expect(() => hub.watch(randomUUID(), 'abc')).toThrow(expect.objectContaining({ code: 'STORE_EXPIRED' }));
    expect(new WorkspaceStore(t.pool, randomUUID())).toBeDefined();
  });
});
