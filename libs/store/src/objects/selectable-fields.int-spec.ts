import { randomUUID } from 'node:crypto';
import { workspaceSchemaName } from '../schemas/workspace-schema-name';
import { selectableFieldIndexName } from '../selectors/selectable-fields';
import { isStoreError } from '../store.errors';
import { createStoreTestDb, StoreTestDb } from '../testing/store-test-db';
import { KubeObject } from './kube-object.types';
import { buildListQuery } from './list-query.builder';
import { WorkspaceStore } from './workspace-store';

const R = 'widgets.example.com';
const FIELDS = [
  { name: 'spec.size', path: ['spec', 'size'] },
  { name: 'spec.enabled', path: ['spec', 'enabled'] },
  { name: 'spec.color', path: ['spec', 'color'] },
];
const PATHS = Object.fromEntries(FIELDS.map((f) => [f.name, f.path]));

const widget = (name: string, namespace: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name, namespace, uid: randomUUID(), ...extra },
  spec,
});

/** Kubernetes semantics: the field's value as text; integers/booleans as their JSON text; missing = "". */
function fieldValue(o: KubeObject, path: string[]): string {
  let v: any = o;
  for (const k of path) v = v && typeof v === 'object' ? v[k] : undefined;
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

describe('selectable fields (expression indexes)', () => {
  let t: StoreTestDb;
  beforeAll(async () => {
    t = await createStoreTestDb();
  });
  afterAll(async () => {
    await t.close();
  });

  async function indexes(id: string): Promise<{ indexname: string; indexdef: string }[]> {
    const r = await t.pool.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE 'objects\\_sf\\_%' ORDER BY indexname`, [
      workspaceSchemaName(id),
    ]);
    return r.rows;
  }

  it('creates, keeps and drops indexes idempotently, per resource', async () => {
    const { id, store } = await t.newWorkspace();
    const names = FIELDS.map((f) => selectableFieldIndexName(R, f.path));
    const first = await store.syncSelectableFieldIndexes(R, FIELDS);
    expect(first).toEqual({ created: names, dropped: [] });
    expect(await store.syncSelectableFieldIndexes(R, FIELDS)).toEqual({ created: [], dropped: [] });
    const other = await store.syncSelectableFieldIndexes('gadgets.example.com', [{ name: 'spec.size', path: ['spec', 'size'] }]);
    expect(other.created).toEqual([selectableFieldIndexName('gadgets.example.com', ['spec', 'size'])]);

    const defs = await indexes(id);
    expect(defs).toHaveLength(4);
    const size = defs.find((d) => d.indexname === names[0])!;
    expect(size.indexdef).toContain(`COALESCE((body #>> '{spec,size}'::text[]), ''::text)`);
    expect(size.indexdef).toContain(`WHERE (resource = '${R}'::text)`);

    // Dropping two declared fields of R leaves the other resource's index alone.
    expect(await store.syncSelectableFieldIndexes(R, [FIELDS[0]])).toEqual({ created: [], dropped: [names[1], names[2]].sort() });
    expect((await indexes(id)).map((d) => d.indexname).sort()).toEqual([names[0], other.created[0]].sort());
    expect(await store.syncSelectableFieldIndexes(R, [])).toEqual({ created: [], dropped: [names[0]] });
    expect(await store.syncSelectableFieldIndexes('gadgets.example.com', [])).toEqual({ created: [], dropped: other.created });
    expect(await indexes(id)).toEqual([]);
  });

  it('rejects hostile resource names and paths before any SQL', async () => {
    const { id, store } = await t.newWorkspace();
    const connect = jest.spyOn(t.pool, 'connect');
    try {
      const bad: [string, { name: string; path: string[] }[]][] = [
        [`${R}'; DROP TABLE objects; --`, FIELDS],
        ['Widgets', FIELDS],
        ['a'.repeat(254), FIELDS],
        [R, [{ name: 'x', path: ['spec', "size') ; DROP INDEX x; --"] }]],
        [R, [{ name: 'x', path: ['spec', 'a"b'] }]],
        [R, [{ name: 'x', path: [] }]],
        [R, [{ name: 'x', path: Array(9).fill('a') }]],
        [R, [{ name: '', path: ['spec'] }]],
        [R, 'spec.size' as unknown as { name: string; path: string[] }[]],
      ];
      for (const [resource, fields] of bad) {
        const err = await store.syncSelectableFieldIndexes(resource, fields).catch((e) => e);
        expect(isStoreError(err, 'STORE_INVALID_NAME')).toBe(true);
      }
      const hostile: Record<string, string[]>[] = [{ 'spec.size': ['spec', "size'"] }, { 'spec.size': [] }, { f: 'spec' as unknown as string[] }];
      for (const fieldPaths of hostile) {
        const opts = { fieldSelector: [{ field: 'spec.size', op: 'eq' as const, value: '1' }], fieldPaths };
        expect(isStoreError(await store.list(R, opts).catch((e) => e), 'STORE_INVALID_NAME')).toBe(true);
        expect(isStoreError(await store.deleteCollection(R, opts).catch((e) => e), 'STORE_INVALID_NAME')).toBe(true);
      }
      for (const r of ["x' OR true --", '']) {
        expect(isStoreError(await store.deleteAllOfResource(r).catch((e) => e), 'STORE_INVALID_NAME')).toBe(true);
        expect(isStoreError(await store.countOfResource(r).catch((e) => e), 'STORE_INVALID_NAME')).toBe(true);
      }
      expect(connect).not.toHaveBeenCalled();
    } finally {
      connect.mockRestore();
    }
    expect(await indexes(id)).toEqual([]);
  });

  it('lists by selectable field (eq/neq, missing = "", integers, booleans) like a reference', async () => {
    const { store } = await t.newWorkspace();
    await store.syncSelectableFieldIndexes(R, FIELDS);
    const objs: KubeObject[] = [];
    for (let i = 0; i < 48; i++) {
      const spec: Record<string, unknown> = {};
      if (i % 4 !== 0) spec.size = i % 3; // integer, missing for every 4th
      if (i % 5 !== 0) spec.enabled = i % 2 === 0; // boolean
      if (i % 6 === 1) spec.color = null; // JSON null reads as "" too
      else if (i % 6 !== 0) spec.color = ['red', 'blue', ''][i % 3];
      objs.push(await store.create(R, widget(`w-${String(i).padStart(2, '0')}`, `ns-${i % 3}`, spec)));
    }
    // Same spec on another resource must never show up.
    await store.create('gadgets.example.com', widget('g', 'ns-0', { size: 1, enabled: true, color: 'red' }));
    const key = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
    const sorted = (xs: KubeObject[]) => xs.map(key).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

    const cases: [string, string][] = [
      ['spec.size', '1'], ['spec.size', '0'], ['spec.size', ''], ['spec.size', '7'],
      ['spec.enabled', 'true'], ['spec.enabled', 'false'], ['spec.enabled', ''],
      ['spec.color', 'red'], ['spec.color', ''], ['spec.color', 'null'],
    ];
    let nonEmpty = 0;
    for (const [field, value] of cases) {
      const path = PATHS[field];
      for (const op of ['eq', 'neq'] as const) {
        const want = objs.filter((o) => (fieldValue(o, path) === value) === (op === 'eq'));
        const got = await store.list(R, { fieldSelector: [{ field, op, value }], fieldPaths: PATHS });
        expect([field, op, value, got.items.map(key)]).toEqual([field, op, value, sorted(want)]);
        if (want.length) nonEmpty++;
      }
    }
    expect(nonEmpty).toBeGreaterThan(15);
    // Combined with a namespace, a metadata field and paging.
    const want = objs.filter((o) => o.metadata.namespace === 'ns-1' && fieldValue(o, ['spec', 'size']) === '1');
    const seen: string[] = [];
    let cont: string | undefined;
    do {
      const page = await store.list(R, { namespace: 'ns-1', fieldSelector: [{ field: 'spec.size', op: 'eq', value: '1' }], fieldPaths: PATHS, limit: 2, continue: cont });
      seen.push(...page.items.map(key));
      cont = page.continue;
    } while (cont);
    expect(seen).toEqual(sorted(want));

    // deleteCollection accepts the same fieldPaths.
    const del = await store.deleteCollection(R, { fieldSelector: [{ field: 'spec.enabled', op: 'eq', value: 'true' }], fieldPaths: PATHS, batchSize: 3 });
    expect(sorted(del)).toEqual(sorted(objs.filter((o) => fieldValue(o, ['spec', 'enabled']) === 'true')));
    expect((await store.list(R, { fieldSelector: [{ field: 'spec.enabled', op: 'eq', value: 'true' }], fieldPaths: PATHS })).items).toEqual([]);
    expect(await store.countOfResource(R)).toBe(objs.length - del.length);
  });

  it('EXPLAIN: a selective list uses the partial expression index on ~5,000 rows', async () => {
    const { id, store } = await t.newWorkspace();
    const s = `"${workspaceSchemaName(id)}"`;
    // Bulk rows straight into the table (the store's write path is covered elsewhere).
    await t.pool.query(
      `INSERT INTO ${s}.objects (resource, namespace, name, uid, rv, body)
       SELECT r, 'ns-' || (i % 10), 'w-' || i, u, 2,
              jsonb_build_object('apiVersion', 'example.com/v1', 'kind', 'Widget',
                'metadata', jsonb_build_object('name', 'w-' || i, 'namespace', 'ns-' || (i % 10), 'uid', u::text),
                'spec', jsonb_build_object('size', i % 1000, 'enabled', i % 2 = 0))
         FROM (SELECT i, r, gen_random_uuid() AS u FROM generate_series(1, 5000) i, unnest(ARRAY[$1, 'gadgets.example.com']) r) g`,
      [R],
    );
    await store.syncSelectableFieldIndexes(R, FIELDS);
    await t.pool.query(`ANALYZE ${s}.objects`);

    const opts = { fieldSelector: [{ field: 'spec.size', op: 'eq' as const, value: '42' }], fieldPaths: PATHS };
    const explain = async (page: { limit?: number } = {}): Promise<any[]> => {
      // The exact statement and values list() sends (unnamed statement: planned with the values).
      const q = buildListQuery(s as any, R, opts, page);
      const c = await t.pool.connect();
      try {
        await c.query(`BEGIN; SET LOCAL ROLE ${s}`);
        const plan = (await c.query(`EXPLAIN (FORMAT JSON) ${q.statement.text}`, q.values)).rows[0]['QUERY PLAN'][0].Plan;
        await c.query('ROLLBACK');
        const nodes: any[] = [];
        const walk = (n: any) => {
          nodes.push(n);
          (n.Plans ?? []).forEach(walk);
        };
        walk(plan);
        return nodes;
      } finally {
        c.release();
      }
    };
    const index = selectableFieldIndexName(R, ['spec', 'size']);
    for (const nodes of [await explain(), await explain({ limit: 2 })]) {
      expect(nodes.some((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'objects')).toBe(false);
      expect(nodes.map((n) => n['Index Name']).filter(Boolean)).toContain(index);
    }

    const got = await store.list(R, opts);
    expect(got.items.map((o) => o.metadata.name).sort()).toEqual(['w-1042', 'w-2042', 'w-3042', 'w-4042', 'w-42'].sort());
  });

  it('deleteAllOfResource: every namespace, DELETED change rows in key order, finalizers honoured', async () => {
    const { id, store } = await t.newWorkspace();
    for (const ns of ['b', 'a', '']) for (let i = 0; i < 4; i++) await store.create(R, widget(`w-${i}`, ns, { size: i }));
    await store.create(R, widget('held', 'a', {}, { finalizers: ['example.com/keep'] }));
    await store.create('gadgets.example.com', widget('g', 'a', {}));
    expect(await store.countOfResource(R)).toBe(13);
    const before = await store.currentResourceVersion();

    expect(await store.deleteAllOfResource(R, { batchSize: 5 })).toEqual({ deleted: 12, remaining: 1 });
    const log = (
      await t.pool.query(`SELECT rv::text, type, resource, namespace, name, body FROM "${workspaceSchemaName(id)}".changes WHERE rv > $1::bigint ORDER BY rv`, [before])
    ).rows;
    const keys = ['', 'a', 'b'].flatMap((ns) => (ns === 'a' ? ['held', 'w-0', 'w-1', 'w-2', 'w-3'] : ['w-0', 'w-1', 'w-2', 'w-3']).map((n) => `${ns}/${n}`));
    expect(log.map((c) => `${c.namespace}/${c.name}`)).toEqual(keys);
    expect(log.map((c) => c.type)).toEqual(keys.map((k) => (k === 'a/held' ? 'MODIFIED' : 'DELETED')));
    expect(log.map((c) => Number(c.rv))).toEqual(keys.map((_, i) => Number(before) + i + 1));
    expect(log.every((c) => c.body.metadata.resourceVersion === c.rv && c.resource === R)).toBe(true);
    expect(await store.currentResourceVersion()).toBe(String(Number(before) + keys.length));
    expect((await store.get(R, 'a', 'held'))!.metadata.deletionTimestamp).toBeDefined();
    expect(await store.get('gadgets.example.com', 'a', 'g')).not.toBeNull();

    // Again: the terminating object is passed over, no revision taken.
    expect(await store.deleteAllOfResource(R)).toEqual({ deleted: 0, remaining: 1 });
    expect(await store.currentResourceVersion()).toBe(String(Number(before) + keys.length));
    const held = (await store.get(R, 'a', 'held'))!;
    await store.update(R, { ...held, metadata: { ...held.metadata, finalizers: [] } });
    expect(await store.deleteAllOfResource(R)).toEqual({ deleted: 1, remaining: 0 });
    expect(await store.countOfResource(R)).toBe(0);
  });
});
