import { randomUUID } from 'node:crypto';
import { createStoreTestDb, StoreTestDb } from '../testing/store-test-db';
import { WorkspaceStore } from '../objects/workspace-store';
import { workspaceSchemaName } from './workspace-schema-name';

describe('WorkspaceSchemas (provisioning)', () => {
  let t: StoreTestDb;
  beforeAll(async () => {
    t = await createStoreTestDb();
  });
  afterAll(async () => {
    await t.close();
  });

  it('runs every step twice, then drops twice', async () => {
    const id = t.track(randomUUID());
    const name = workspaceSchemaName(id);
    expect(await t.schemas.exists(id)).toEqual({ schema: false, role: false });

    await t.schemas.ensureRole(id);
    await t.schemas.ensureRole(id);
    await t.schemas.ensureSchema(id);
    await t.schemas.ensureSchema(id);
    await t.schemas.applyDdl(id);
    await t.schemas.applyDdl(id);
    expect(await t.schemas.exists(id)).toEqual({ schema: true, role: true });
    expect(await t.schemas.listWorkspaceSchemas()).toContain(id);

    const { rows: versions } = await t.pool.query(`SELECT version FROM "${name}".schema_version ORDER BY version`);
    expect(versions).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }, { version: 6 }]);
    // Tables belong to the workspace role; nobody else is granted anything on them.
    const { rows: owners } = await t.pool.query(`SELECT tablename, tableowner FROM pg_tables WHERE schemaname = $1 ORDER BY 1`, [name]);
    expect(owners).toEqual(['changes', 'compaction', 'meta', 'objects', 'schema_version'].map((tablename) => ({ tablename, tableowner: name })));
    const { rows: grants } = await t.pool.query(`SELECT DISTINCT grantee FROM information_schema.role_table_grants WHERE table_schema = $1`, [name]);
    expect(grants).toEqual([{ grantee: name }]);
    const { rows: role } = await t.pool.query(`SELECT rolcanlogin, rolinherit, rolsuper FROM pg_roles WHERE rolname = $1`, [name]);
    expect(role).toEqual([{ rolcanlogin: false, rolinherit: false, rolsuper: false }]);
    const { rows: schemaAcl } = await t.pool.query(`SELECT has_schema_privilege('public', $1, 'USAGE') AS usage`, [name]);
    expect(schemaAcl).toEqual([{ usage: false }]);

    const store = new WorkspaceStore(t.pool, id);
    await store.create('configmaps', { metadata: { name: 'a', namespace: 'default', uid: randomUUID() } });
    expect(await store.countObjects()).toBe(1);

    await t.schemas.drop(id);
    await t.schemas.drop(id);
    expect(await t.schemas.exists(id)).toEqual({ schema: false, role: false });
    expect(await t.schemas.listWorkspaceSchemas()).not.toContain(id);
    await expect(store.get('configmaps', 'default', 'a')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('survives concurrent runs of the same steps', async () => {
    const id = t.track(randomUUID());
    await Promise.all([t.schemas.ensureRole(id), t.schemas.ensureRole(id), t.schemas.ensureRole(id)]);
    await Promise.all([t.schemas.ensureSchema(id), t.schemas.ensureSchema(id), t.schemas.ensureSchema(id)]);
    await Promise.all([t.schemas.applyDdl(id), t.schemas.applyDdl(id), t.schemas.applyDdl(id)]);
    const store = new WorkspaceStore(t.pool, id);
    expect(await store.currentResourceVersion()).toBe('1');
    await Promise.all([t.schemas.drop(id), t.schemas.drop(id)]);
    await t.schemas.drop(id);
    expect(await t.schemas.exists(id)).toEqual({ schema: false, role: false });
  });

  it('upgrades a schema that is behind by applying only the missing versions', async () => {
    const id = t.track(randomUUID());
    const name = workspaceSchemaName(id);
    await t.schemas.ensureRole(id);
    await t.schemas.ensureSchema(id);
    await t.schemas.applyDdl(id);
    const store = new WorkspaceStore(t.pool, id);
    await store.create('configmaps', { metadata: { name: 'kept', namespace: 'd', uid: randomUUID() } });
    // Roll the schema back to version 1 as an old deployment would have left it.
    await t.pool.query(`DROP TABLE "${name}".compaction; DROP INDEX "${name}".changes_created_at_idx; DROP INDEX "${name}".objects_resource_name_idx; DELETE FROM "${name}".schema_version WHERE version = 2`);
    await t.pool.query(`DROP INDEX "${name}".objects_namespace_idx; DROP INDEX "${name}".objects_owned_idx; DELETE FROM "${name}".schema_version WHERE version = 3`);
    await t.pool.query(
      `DROP TRIGGER objects_count_insert ON "${name}".objects; DROP TRIGGER objects_count_delete ON "${name}".objects; DROP TRIGGER objects_count_update ON "${name}".objects;
       DROP FUNCTION "${name}".count_objects_insert(), "${name}".count_objects_delete(), "${name}".count_objects_update();
       ALTER TABLE "${name}".meta DROP COLUMN objects, DROP COLUMN storage_bytes; DELETE FROM "${name}".schema_version WHERE version = 4`,
    );
    await t.pool.query(
      `ALTER TABLE "${name}".objects ALTER COLUMN labels SET STATISTICS -1, ALTER COLUMN fields SET STATISTICS -1; DELETE FROM "${name}".schema_version WHERE version = 5`,
    );
    await t.pool.query(`DROP INDEX "${name}".objects_labels_pairs_idx; DELETE FROM "${name}".schema_version WHERE version = 6`);
    await t.schemas.applyDdl(id);
    const { rows } = await t.pool.query(`SELECT version FROM "${name}".schema_version ORDER BY version`);
    expect(rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }, { version: 6 }]);
    expect((await t.pool.query(`SELECT to_regclass($1) IS NOT NULL AS i`, [`"${name}".objects_labels_pairs_idx`])).rows[0].i).toBe(true);
    const { rows: targets } = await t.pool.query(
      `SELECT attname, attstattarget FROM pg_attribute WHERE attrelid = $1::regclass AND attname IN ('labels', 'fields') ORDER BY 1`,
      [`"${name}".objects`],
    );
    expect(targets).toEqual([{ attname: 'fields', attstattarget: 1000 }, { attname: 'labels', attstattarget: 1000 }]);
    expect(await store.usage()).toMatchObject({ objects: 1 });
    expect(await store.oldestRetainedResourceVersion()).toBe('1');
    expect(await store.get('configmaps', 'd', 'kept')).not.toBeNull();
  });

  /** Tables, indexes, functions, triggers, columns and owners of a workspace schema, without its name. */
  async function shape(name: string): Promise<unknown> {
    const q = async (text: string, values: unknown[] = [name]) => (await t.pool.query(text, values)).rows;
    return {
      relations: await q(`SELECT c.relname, c.relkind, pg_get_userbyid(c.relowner) = $1 AS owned FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 ORDER BY 1`),
      indexes: await q(`SELECT indexname, replace(indexdef, $1, 'ws') AS def FROM pg_indexes WHERE schemaname = $1 ORDER BY 1`),
      columns: await q(`SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = $1 ORDER BY 1, 2`),
      functions: await q(`SELECT p.proname, replace(p.prosrc, $1, 'ws') AS src FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 ORDER BY 1`),
      triggers: await q(`SELECT tgname, replace(pg_get_triggerdef(tg.oid), $1, 'ws') AS def FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 ORDER BY 1`),
      versions: await q(`SELECT array_agg(version ORDER BY version) AS v FROM "${name}".schema_version`, []),
      rows: await q(`SELECT (SELECT row_to_json(m) FROM "${name}".meta m) AS meta, (SELECT compacted_rv FROM "${name}".compaction) AS compacted`, []),
    };
  }

  it('ensureBuilt builds in one transaction what the three steps build, from any point they stopped at', async () => {
    const stepwise = t.track(randomUUID());
    await t.schemas.ensureRole(stepwise);
    await t.schemas.ensureSchema(stepwise);
    await t.schemas.applyDdl(stepwise);
    const expected = await shape(workspaceSchemaName(stepwise));

    const fresh = t.track(randomUUID());
    await t.schemas.ensureBuilt(fresh);
    await t.schemas.ensureBuilt(fresh); // already built: nothing happens
    expect(await shape(workspaceSchemaName(fresh))).toEqual(expected);

    const roleOnly = t.track(randomUUID());
    await t.schemas.ensureRole(roleOnly);
    await t.schemas.ensureBuilt(roleOnly);
    expect(await shape(workspaceSchemaName(roleOnly))).toEqual(expected);

    const schemaOnly = t.track(randomUUID());
    await t.schemas.ensureRole(schemaOnly);
    await t.schemas.ensureSchema(schemaOnly);
    await t.schemas.ensureBuilt(schemaOnly);
    expect(await shape(workspaceSchemaName(schemaOnly))).toEqual(expected);

    const concurrent = t.track(randomUUID());
    await Promise.all([t.schemas.ensureBuilt(concurrent), t.schemas.ensureBuilt(concurrent), t.schemas.ensureBuilt(concurrent)]);
    expect(await shape(workspaceSchemaName(concurrent))).toEqual(expected);

    const { rows: role } = await t.pool.query(`SELECT rolcanlogin, rolinherit, rolsuper FROM pg_roles WHERE rolname = $1`, [workspaceSchemaName(fresh)]);
    expect(role).toEqual([{ rolcanlogin: false, rolinherit: false, rolsuper: false }]);
    const { rows: schemaAcl } = await t.pool.query(`SELECT has_schema_privilege('public', $1, 'USAGE') AS usage`, [workspaceSchemaName(fresh)]);
    expect(schemaAcl).toEqual([{ usage: false }]);
  });

  it('ensureBuilt brings a schema that is behind up to the latest version and keeps its objects', async () => {
    const id = t.track(randomUUID());
    const name = workspaceSchemaName(id);
    await t.schemas.ensureBuilt(id);
    const expected = await shape(name);
    const store = new WorkspaceStore(t.pool, id);
    await store.create('configmaps', { metadata: { name: 'kept', namespace: 'd', uid: randomUUID() } });
    await t.pool.query(`DROP INDEX "${name}".objects_namespace_idx; DROP INDEX "${name}".objects_owned_idx; DELETE FROM "${name}".schema_version WHERE version >= 3`);
    await t.pool.query(
      `DROP TRIGGER objects_count_insert ON "${name}".objects; DROP TRIGGER objects_count_delete ON "${name}".objects; DROP TRIGGER objects_count_update ON "${name}".objects;
       DROP FUNCTION "${name}".count_objects_insert(), "${name}".count_objects_delete(), "${name}".count_objects_update();
       ALTER TABLE "${name}".meta DROP COLUMN objects, DROP COLUMN storage_bytes; DROP INDEX "${name}".objects_labels_pairs_idx`,
    );
    await t.schemas.ensureBuilt(id);
    expect(await store.get('configmaps', 'd', 'kept')).not.toBeNull();
    expect(await store.usage()).toMatchObject({ objects: 1 });
    const after = (await shape(name)) as { rows: unknown };
    expect({ ...after, rows: null }).toEqual({ ...(expected as object), rows: null });
  });

  it('ensureBuilt is all or nothing: a schema of that name that another role owns is not adopted, and no role is left behind', async () => {
    const id = t.track(randomUUID());
    const name = workspaceSchemaName(id);
    // Someone else's schema of that name, owned by another role: the build must not adopt it.
    await t.pool.query(`CREATE SCHEMA "${name}"`);
    await expect(t.schemas.ensureBuilt(id)).rejects.toMatchObject({ name: 'StoreError' });
    const { rows } = await t.pool.query(`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1`, [name]);
    expect(rows).toEqual([{ n: 0 }]);
    await t.pool.query(`DROP SCHEMA "${name}"`);
  });

  it('rejects ids that are not uuids before any SQL', async () => {
    for (const bad of ['', 'x', `${randomUUID()}"; DROP TABLE x; --`, '../etc', 'ws_0123']) {
      await expect(t.schemas.ensureRole(bad)).rejects.toMatchObject({ name: 'StoreError', code: 'STORE_INVALID_NAME' });
    }
  });
});
