import { randomUUID } from 'node:crypto';
import { createStoreTestDb, StoreTestDb } from '../testing/store-test-db';
import { KubeObject, ListOptions } from './kube-object.types';
import { WorkspaceStore } from './workspace-store';

describe('WorkspaceStore pagination', () => {
  let t: StoreTestDb;
  let store: WorkspaceStore;
  beforeAll(async () => {
    t = await createStoreTestDb();
    store = (await t.newWorkspace()).store;
    for (const ns of ['a', 'b', 'c']) {
      for (let i = 0; i < 10; i++) {
        await store.create('configmaps', { metadata: { name: `cm-${String(i).padStart(2, '0')}`, namespace: ns, uid: randomUUID(), labels: { even: String(i % 2 === 0) } } });
      }
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const key = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

  async function listAll(opts: ListOptions, onPage?: (page: number) => Promise<void>) {
    const pages: { keys: string[]; rv: string; continue?: string }[] = [];
    let cont: string | undefined;
    do {
      const res = await store.list('configmaps', { ...opts, continue: cont });
      pages.push({ keys: res.items.map(key), rv: res.resourceVersion, continue: res.continue });
      cont = res.continue;
      if (onPage) await onPage(pages.length);
    } while (cont);
    return pages;
  }

  it('returns everything without a continue when limit is undefined or 0', async () => {
    for (const limit of [undefined, 0]) {
      const res = await store.list('configmaps', { limit });
      expect(res.items).toHaveLength(30);
      expect(res.continue).toBeUndefined();
      expect(res.items.map(key)).toEqual([...res.items.map(key)].sort());
    }
    const exact = await store.list('configmaps', { limit: 30 });
    expect(exact.continue).toBeUndefined();
  });

  it('pages in (namespace, name) order and reports the first page revision', async () => {
    const all = (await store.list('configmaps', {})).items.map(key);
    const pages = await listAll({ limit: 7 });
    expect(pages.map((p) => p.keys.length)).toEqual([7, 7, 7, 7, 2]);
    expect(pages.flatMap((p) => p.keys)).toEqual(all);
    expect(new Set(pages.map((p) => p.rv)).size).toBe(1);
    expect(pages[4].continue).toBeUndefined();
  });

  it('reports remainingItemCount on a cut page without selectors, not with them', async () => {
    const pages: (number | undefined)[] = [];
    let cont: string | undefined;
    do {
      const res = await store.list('configmaps', { limit: 7, continue: cont });
      pages.push(res.remainingItemCount);
      cont = res.continue;
    } while (cont);
    expect(pages).toEqual([23, 16, 9, 2, undefined]);
    expect((await store.list('configmaps', { limit: 4, namespace: 'b' })).remainingItemCount).toBe(6);
    const sel = await store.list('configmaps', { limit: 2, labelSelector: [{ key: 'even', op: 'in', values: ['true'] }] });
    expect(sel.continue).toBeDefined();
    expect(sel.remainingItemCount).toBeUndefined();
  });

  it('pages within a namespace and with selectors', async () => {
    const pages = await listAll({ limit: 2, namespace: 'b', labelSelector: [{ key: 'even', op: 'in', values: ['true'] }] });
    expect(pages.flatMap((p) => p.keys)).toEqual(['b/cm-00', 'b/cm-02', 'b/cm-04', 'b/cm-06', 'b/cm-08']);
  });

  it('serves the rest at current state while writers insert concurrently, never repeating or skipping old keys', async () => {
    const before = (await store.list('configmaps', {})).items.map(key);
    let inserted = 0;
    const pages = await listAll({ limit: 4 }, async () => {
      // One object before the cursor (never seen), one after it (seen), per page.
      await store.create('configmaps', { metadata: { name: `cm-aa-${inserted}`, namespace: 'a', uid: randomUUID() } });
      await store.create('configmaps', { metadata: { name: `cm-zz-${inserted}`, namespace: 'c', uid: randomUUID() } });
      inserted++;
    });
    const seen = pages.flatMap((p) => p.keys);
    expect(new Set(seen).size).toBe(seen.length);
    for (const k of before) expect(seen).toContain(k);
    expect(seen.filter((k) => k.startsWith('c/cm-zz-')).length).toBeGreaterThan(0);
    expect(new Set(pages.map((p) => p.rv)).size).toBe(1);
    expect(Number(pages[0].rv)).toBeLessThan(Number(await store.currentResourceVersion()));
  });

  it('rejects unreadable continue tokens with STORE_INVALID_CONTINUE', async () => {
    for (const bad of ['!!!', 'eyJmb28iOjF9', Buffer.from('{"rv":"x","ns":"a","name":"b"}').toString('base64url'), Buffer.from('not json').toString('base64url')]) {
      await expect(store.list('configmaps', { continue: bad, limit: 2 })).rejects.toMatchObject({ code: 'STORE_INVALID_CONTINUE' });
    }
  });

  it('honours an old token after the objects around it are gone', async () => {
    const first = await store.list('configmaps', { limit: 3, namespace: 'b' });
    await store.delete('configmaps', 'b', 'cm-02');
    await store.delete('configmaps', 'b', 'cm-03');
    const next = await store.list('configmaps', { limit: 3, namespace: 'b', continue: first.continue });
    expect(next.items.map(key)).toEqual(['b/cm-04', 'b/cm-05', 'b/cm-06']);
    expect(next.resourceVersion).toBe(first.resourceVersion);
  });
});
