import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API servers cache which workspace a token opens. Every change that can close that door
 * (a token revoked or deleted, a workspace changing phase or shard, or deleted) NOTIFYs
 * `kplane_directory` with the workspace id, on commit, whichever code path made it.
 */
export class DirectoryChangeSignals1732800000000 implements MigrationInterface {
  name = 'DirectoryChangeSignals1732800000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION kplane.signal_workspace_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM pg_notify('kplane_directory', OLD.id::text);
        RETURN NULL;
      END $fn$`);
    await q.query(`
      CREATE FUNCTION kplane.signal_credential_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM pg_notify('kplane_directory', OLD.workspace_id::text);
        RETURN NULL;
      END $fn$`);
    await q.query(`
      CREATE TRIGGER workspaces_signal_update AFTER UPDATE ON kplane.workspaces FOR EACH ROW
        WHEN (OLD.phase IS DISTINCT FROM NEW.phase OR OLD.shard IS DISTINCT FROM NEW.shard OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id)
        EXECUTE FUNCTION kplane.signal_workspace_change()`);
    await q.query(`
      CREATE TRIGGER workspaces_signal_delete AFTER DELETE ON kplane.workspaces FOR EACH ROW
        EXECUTE FUNCTION kplane.signal_workspace_change()`);
    await q.query(`
      CREATE TRIGGER credentials_signal_update AFTER UPDATE ON kplane.credentials FOR EACH ROW
        WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.token_hash IS DISTINCT FROM NEW.token_hash OR OLD.workspace_id IS DISTINCT FROM NEW.workspace_id)
        EXECUTE FUNCTION kplane.signal_credential_change()`);
    await q.query(`
      CREATE TRIGGER credentials_signal_delete AFTER DELETE ON kplane.credentials FOR EACH ROW
        EXECUTE FUNCTION kplane.signal_credential_change()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER credentials_signal_delete ON kplane.credentials`);
    await q.query(`DROP TRIGGER credentials_signal_update ON kplane.credentials`);
    await q.query(`DROP TRIGGER workspaces_signal_delete ON kplane.workspaces`);
    await q.query(`DROP TRIGGER workspaces_signal_update ON kplane.workspaces`);
    await q.query(`DROP FUNCTION kplane.signal_credential_change()`);
    await q.query(`DROP FUNCTION kplane.signal_workspace_change()`);
  }
}
