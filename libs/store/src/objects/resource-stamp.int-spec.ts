import { randomUUID } from 'node:crypto';
import { createStoreTestDb, StoreTestDb } from '../testing/store-test-db';
import { WorkspaceStore } from './workspace-store';
import { KubeObject } from './kube-object.types';

const crd = (name: string, v = '1'): KubeObject => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name, uid: randomUUID() }, spec: { v } });
const KEY = 'customresourcedefinitions.apiextensions.k8s.io';

describe('WorkspaceStore.resourceStamp', () => {
  let t: StoreTestDb;
  let store: WorkspaceStore;
  beforeAll(async () => {
    t = await createStoreTestDb(5);
    store = (await t.newWorkspace()).store;
  });
  afterAll(() => t.close());

  it('changes with every create, update and delete of the resource, and only of that resource', async () => {
    expect(await store.resourceStamp(KEY)).toBe('0/0');
    const seen = new Set<string>();
    const stamp = async () => {
      const s = await store.resourceStamp(KEY);
      expect(seen.has(s)).toBe(false);
      seen.add(s);
    };
    await stamp();
    const a = await store.create(KEY, crd('a.example.com'));
    await stamp();
    const b = await store.create(KEY, crd('b.example.com'));
    await stamp();
    await store.update(KEY, { ...a, spec: { v: '2' } });
    await stamp();
    await store.delete(KEY, '', 'a.example.com');
    await stamp();
    const before = await store.resourceStamp(KEY);
    await store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default', uid: randomUUID() } });
    expect(await store.resourceStamp(KEY)).toBe(before);
    await store.delete(KEY, '', b.metadata.name);
    // Empty again: the same content gives the same stamp (revisions never come back, so a
    // (max revision, count) pair names one set of object versions).
    expect(await store.resourceStamp(KEY)).toBe('0/0');
  });

  it('refuses a malformed resource before any SQL', async () => {
    await expect(store.resourceStamp("x' OR 1=1 --")).rejects.toMatchObject({ code: 'STORE_INVALID_NAME' });
  });
});
