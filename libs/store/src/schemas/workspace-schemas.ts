import { Pool, PoolClient } from 'pg';
import { toStoreError } from '../sql/pg-error.mapper';
import { guardCheckedOutClients } from '../sql/pool-guard';
import * as sql from '../sql/statements';
import { Statement } from '../sql/statements';
import { LATEST_WORKSPACE_SCHEMA_VERSION, WORKSPACE_MIGRATIONS } from '../sql/workspace-ddl';
import { QuotedSchema, quoteWorkspaceSchema, workspaceIdFromSchemaName, workspaceSchemaName } from './workspace-schema-name';

/**
 * Provisioning of workspace schemas and roles, used by the worker's provisioning steps.
 * Every method can be re-run (after a crash or concurrently with itself) with the same result.
 */
export class WorkspaceSchemas {
  constructor(private readonly pool: Pool) {}

  /** A NOLOGIN, NOINHERIT role named like the schema; it is granted nothing outside its schema. */
  async ensureRole(workspaceId: string): Promise<void> {
    const name = workspaceSchemaName(workspaceId);
    const s = quoteWorkspaceSchema(name);
    await this.withLockedTx(name, async (c) => {
      const exists = (await run(c, sql.roleExists, [name])).length > 0;
      for (const stmt of roleStatements(s, exists)) await run(c, stmt);
    });
  }

  /** The schema, owned by the role; PUBLIC loses the default privileges on it. */
  async ensureSchema(workspaceId: string): Promise<void> {
    const name = workspaceSchemaName(workspaceId);
    const s = quoteWorkspaceSchema(name);
    await this.withLockedTx(name, async (c) => {
      for (const stmt of schemaStatements(s)) await run(c, stmt);
    });
  }

  /** Applies the migrations newer than the schema's recorded version, in one transaction. */
  async applyDdl(workspaceId: string): Promise<void> {
    const name = workspaceSchemaName(workspaceId);
    const s = quoteWorkspaceSchema(name);
    await this.withLockedTx(name, async (c) => migrate(c, s, (await builtVersion(c, name, s)).version, []));
  }

  /**
   * Role, schema and tables at the latest version (`ensureRole`, `ensureSchema` and `applyDdl` in
   * one): one transaction, one commit and a handful of round trips instead of three of each,
   * which is most of what provisioning costs the database besides the DDL itself. A workspace
   * already at the latest version (a spare from the warm pool, a retried job) costs two reads.
   */
  async ensureBuilt(workspaceId: string): Promise<void> {
    const name = workspaceSchemaName(workspaceId);
    const s = quoteWorkspaceSchema(name);
    if ((await this.withClient((c) => builtVersion(c, name, s))).version === LATEST_WORKSPACE_SCHEMA_VERSION) return;
    await this.withLockedTx(name, async (c) => {
      const found = await builtVersion(c, name, s);
      await migrate(c, s, found.version, [...roleStatements(s, found.role), ...schemaStatements(s)]);
    });
  }

  /**
   * Brings a built schema (version 1 or later) up to the latest version; false when there was
   * nothing to do. A schema without tables is not this method's to build: provisioning does that.
   */
  async upgrade(workspaceId: string): Promise<boolean> {
    const name = workspaceSchemaName(workspaceId);
    const s = quoteWorkspaceSchema(name);
    let upgraded = false;
    await this.withLockedTx(name, async (c) => {
      const { version } = await builtVersion(c, name, s);
      if (version === 0 || version >= LATEST_WORKSPACE_SCHEMA_VERSION) return;
      await migrate(c, s, version, []);
      upgraded = true;
    });
    return upgraded;
  }

  /** Workspace ids whose schema in this database was built at an older version (see `upgrade`). */
  async listOutdated(): Promise<string[]> {
    const rows = await this.withClient((c) => run<{ name: string }>(c, sql.listOutdatedWorkspaceSchemas, [LATEST_WORKSPACE_SCHEMA_VERSION]));
    return rows.map((r) => workspaceIdFromSchemaName(r.name)).filter((id): id is string => id !== null);
  }

  async exists(workspaceId: string): Promise<{ schema: boolean; role: boolean }> {
    const name = workspaceSchemaName(workspaceId);
    return this.withClient(async (c) => ({
      schema: (await run(c, sql.schemaExists, [name])).length > 0,
      role: (await run(c, sql.roleExists, [name])).length > 0,
    }));
  }

  /** Drops the schema (all data) and the role; a second run finds nothing and succeeds. */
  async drop(workspaceId: string): Promise<void> {
    const name = workspaceSchemaName(workspaceId);
    const s = quoteWorkspaceSchema(name);
    await this.withLockedTx(name, async (c) => {
      await run(c, sql.dropSchema(s));
      if ((await run(c, sql.roleExists, [name])).length === 0) return;
      // Privileges the role still holds in this database would make DROP ROLE fail.
      await run(c, sql.dropOwned(s));
      await run(c, sql.dropRole(s));
    });
  }

  /**
   * Workspace ids that have a schema in this database or a role on this server (roles are
   * server-wide, so a shard hosting several databases sees the roles of all of them).
   */
  async listWorkspaceSchemas(): Promise<string[]> {
    const rows = await this.withClient((c) => run<{ name: string }>(c, sql.listWorkspaceNames));
    return rows.map((r) => workspaceIdFromSchemaName(r.name)).filter((id): id is string => id !== null);
  }

  /**
   * One transaction holding the workspace's provisioning lock: concurrent runs of a step (a retried
   * job racing its first attempt) queue up instead of failing on catalog races, and each step is
   * all-or-nothing.
   */
  private async withLockedTx(schemaName: string, fn: (c: PoolClient) => Promise<void>): Promise<void> {
    await this.withClient(async (c) => {
      await run(c, sql.begin);
      try {
        await run(c, sql.provisioningLock, [schemaName]);
        await fn(c);
        await run(c, sql.commit);
      } catch (err) {
        await c.query(sql.rollback.text).catch(() => undefined);
        throw err;
      }
    });
  }

  private async withClient<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    let c: PoolClient;
    guardCheckedOutClients(this.pool);
    try {
      c = await this.pool.connect();
    } catch (err) {
      throw toStoreError(err, 'pool.connect');
    }
    try {
      return await fn(c);
    } finally {
      c.release();
    }
  }
}

/**
 * Several statements in one simple-protocol round trip; only for DDL, which has no values (its
 * only interpolated identifier is a QuotedSchema).
 */
async function runScript(c: PoolClient, stmt: Statement): Promise<void> {
  try {
    await c.query(stmt.text);
  } catch (err) {
    throw toStoreError(err, stmt.name);
  }
}

/** Creates the role if missing, and (re)asserts its least privilege either way. */
function roleStatements(s: QuotedSchema, exists: boolean): Statement[] {
  return [...(exists ? [] : [sql.createRole(s)]), sql.alterRole(s)];
}

function schemaStatements(s: QuotedSchema): Statement[] {
  return [sql.createSchema(s), sql.revokeSchemaFromPublic(s)];
}

/**
 * `before`, then the migrations newer than `version`, in one script; then their versions recorded.
 * The migrations run as the workspace role, so the role owns every table and needs no grants.
 */
async function migrate(c: PoolClient, s: QuotedSchema, version: number, before: Statement[]): Promise<void> {
  const missing = WORKSPACE_MIGRATIONS.filter((m) => m.version > version);
  const script = [...before, sql.setLocalRole(s), sql.createSchemaVersion(s)].map((stmt) => stmt.text);
  for (const m of missing) script.push(...m.statements(s));
  await runScript(c, { name: 'ddl.migrate', text: script.join(';\n') });
  if (missing.length) await run(c, sql.recordSchemaVersions(s), [missing.map((m) => m.version)]);
}

/** Whether the role exists, and the schema's version (0 before its version table exists). */
async function builtVersion(c: PoolClient, name: string, s: QuotedSchema): Promise<{ role: boolean; version: number }> {
  const [state] = await run<{ role: boolean; versioned: boolean }>(c, sql.buildState, [name, `${s}.schema_version`]);
  if (!state.versioned) return { role: state.role, version: 0 };
  const [{ version }] = await run<{ version: number }>(c, sql.currentSchemaVersion(s));
  return { role: state.role, version };
}

async function run<R extends Record<string, any> = Record<string, any>>(c: PoolClient, stmt: Statement, values: unknown[] = []): Promise<R[]> {
  try {
    return (await c.query<R>(stmt.text, values)).rows;
  } catch (err) {
    throw toStoreError(err, stmt.name);
  }
}
