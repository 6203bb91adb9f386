import { randomUUID } from 'node:crypto';
import { controlDataSourceOptions, hashToken, migrateControlSchema, WorkspaceDirectory } from '@kplane/control';
import { createTestDatabase, TestDatabase, waitFor } from '@kplane/testing';
import { DataSource } from 'typeorm';
import { WorkspaceAccessCache } from './workspace-access-cache';

/** A directory that counts its lookups (the queries the cache is there to save). */
class CountingDirectory extends WorkspaceDirectory {
  lookups = 0;
  override async resolveTokenHash(hash: string) {
    this.lookups++;
    return super.resolveTokenHash(hash);
  }
  override async resolveWorkspace(id: string) {
    this.lookups++;
    return super.resolveWorkspace(id);
  }
}

/** The token cache against the real control schema and its change triggers. */
describe('WorkspaceAccessCache', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let directory: CountingDirectory;
  let cache: WorkspaceAccessCache;
  const tenantId = randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateControlSchema(db.url);
    ds = await new DataSource(controlDataSourceOptions(db.url)).initialize();
    await ds.query(`INSERT INTO kplane.tenants (id, name, phase, quota) VALUES ($1, 'acme', 'Active', '{}')`, [tenantId]);
    directory = new CountingDirectory(ds);
    cache = new WorkspaceAccessCache(directory, { connectionString: db.url, application_name: 'access-cache-test' }, { ttlMs: 60_000 });
    await cache.start();
  });

  afterAll(async () => {
    await cache?.stop();
    await ds?.destroy();
    await db?.drop();
  });

  const workspaceWithToken = async () => {
    const id = randomUUID();
    const token = `kpt_${randomUUID()}`;
    await ds.query(`INSERT INTO kplane.workspaces (id, tenant_id, name, phase, shard) VALUES ($1, $2, $3, 'Ready', 'default')`, [id, tenantId, `w-${id.slice(0, 8)}`]);
    await ds.query(`INSERT INTO kplane.credentials (id, workspace_id, operation_id, token_hash, token_encrypted) VALUES ($1, $2, $3, $4, 'sealed')`, [
      randomUUID(), id, randomUUID(), hashToken(token),
    ]);
    return { id, token };
  };

  it('answers repeated lookups of a token from memory', async () => {
    const { id, token } = await workspaceWithToken();
    const before = directory.lookups;
    for (let i = 0; i < 5; i++) expect(await cache.resolveToken(token)).toMatchObject({ workspaceId: id, phase: 'Ready' });
    expect(directory.lookups - before).toBe(1);
    expect(await cache.resolveToken('kpt_unknown')).toBeNull();
    expect(await cache.resolveToken('kpt_unknown')).toBeNull(); // failures are not cached
    expect(directory.lookups - before).toBe(3);
  });

  it('lets callers that miss together share one lookup', async () => {
    const { id, token } = await workspaceWithToken();
    const before = directory.lookups;
    const all = await Promise.all([...Array.from({ length: 10 }, () => cache.resolveWorkspace(id)), ...Array.from({ length: 10 }, () => cache.resolveToken(token))]);
    expect(all.every((a) => a?.workspaceId === id)).toBe(true);
    expect(directory.lookups - before).toBe(2);
  });

  it('refuses a revoked token as soon as the revocation commits', async () => {
    const { token } = await workspaceWithToken();
    expect(await cache.resolveToken(token)).not.toBeNull();
    await ds.query(`UPDATE kplane.credentials SET revoked_at = now() WHERE token_hash = $1`, [hashToken(token)]);
    await waitFor('the revoked token to be refused', async () => (await cache.resolveToken(token)) === null, { intervalMs: 10, timeoutMs: 5000 });
  });

  it('sees a phase change and tells the workspace subscribers, and only them', async () => {
    const { id, token } = await workspaceWithToken();
    const other = await workspaceWithToken();
    expect(await cache.resolveWorkspace(id)).toMatchObject({ phase: 'Ready' });
    let told = 0;
    let otherTold = 0;
    const off = cache.onWorkspaceChange(id, () => told++);
    const offOther = cache.onWorkspaceChange(other.id, () => otherTold++);
    await ds.query(`UPDATE kplane.workspaces SET updated_at = now() WHERE id = $1`, [id]); // not a phase change: no signal
    await ds.query(`UPDATE kplane.workspaces SET phase = 'Suspended' WHERE id = $1`, [id]);
    await waitFor('the subscriber to be told', async () => told > 0, { intervalMs: 10, timeoutMs: 5000 });
    expect(told).toBe(1);
    expect(otherTold).toBe(0);
    expect(await cache.resolveWorkspace(id)).toMatchObject({ phase: 'Suspended' });
    expect(await cache.resolveToken(token)).toMatchObject({ phase: 'Suspended' });
    off();
    offOther();
  });

  it('forgets a deleted workspace', async () => {
    const { id, token } = await workspaceWithToken();
    expect(await cache.resolveToken(token)).not.toBeNull();
    await ds.query(`DELETE FROM kplane.credentials WHERE workspace_id = $1`, [id]);
    await ds.query(`DELETE FROM kplane.workspaces WHERE id = $1`, [id]);
    await waitFor('the token of a deleted workspace to be refused', async () => (await cache.resolveToken(token)) === null, { intervalMs: 10, timeoutMs: 5000 });
    expect(await cache.resolveWorkspace(id)).toBeNull();
  });

  it('serves nothing from memory across a lost LISTEN connection, and tells subscribers on reconnect', async () => {
    const { id, token } = await workspaceWithToken();
    await cache.resolveToken(token);
    let told = 0;
    const off = cache.onWorkspaceChange(id, () => told++);
    // Revoke while the listener is gone: the signal is lost, the reconnect must void the entry.
    const c = await ds.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'access-cache-test' AND datname = current_database()`);
    expect(c.length).toBe(1);
    await ds.query(`UPDATE kplane.credentials SET revoked_at = now() WHERE token_hash = $1`, [hashToken(token)]);
    await waitFor('the reconnect to tell the subscriber', async () => told > 0, { intervalMs: 10, timeoutMs: 10_000 });
    expect(await cache.resolveToken(token)).toBeNull();
    off();
  });
});
