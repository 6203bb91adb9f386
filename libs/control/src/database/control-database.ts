import { guardCheckedOutClients, PG_SESSION_OPTIONS } from '@kplane/store';
import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { CONTROL_MIGRATIONS } from '../../../../migrations';
import { ClusterCaEntity } from '../certificates/cluster-ca.entity';
import { CredentialEntity } from '../credentials/credential.entity';
import { IdempotencyRecordEntity } from '../idempotency/idempotency-record.entity';
import { OperationEntity } from '../operations/operation.entity';
import { TenantEntity } from '../tenants/tenant.entity';
import { WorkspaceEntity } from '../workspaces/workspace.entity';

export const CONTROL_ENTITIES = [
  TenantEntity,
  WorkspaceEntity,
  OperationEntity,
  CredentialEntity,
  IdempotencyRecordEntity,
  ClusterCaEntity,
];

/** Arbitrary but fixed: every kplane process migrating the control schema takes this lock. */
const MIGRATION_LOCK_KEY = 72_616_001;

export function controlDataSourceOptions(databaseUrl: string) {
  return {
    type: 'postgres' as const,
    url: databaseUrl,
    entities: CONTROL_ENTITIES,
    migrations: CONTROL_MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each' as const,
    schema: 'kplane',
    synchronize: false,
    extra: { max: 10, application_name: 'kplane', options: PG_SESSION_OPTIONS },
  };
}

/** CREATE DATABASE when the control database is missing (development convenience, harmless in prod). */
export async function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  const target = new URL(databaseUrl);
  const dbName = decodeURIComponent(target.pathname.replace(/^\//, '')) || 'postgres';
  const probe = new Client({ connectionString: databaseUrl });
  try {
    await probe.connect();
    return;
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err; // 3D000: database does not exist
  } finally {
    await probe.end().catch(() => undefined);
  }
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    const ident = '"' + dbName.replace(/"/g, '""') + '"';
    await admin.query(`CREATE DATABASE ${ident}`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') throw err; // created concurrently by another app
  } finally {
    await admin.end();
  }
}

/** Applies pending control-schema migrations under a Postgres advisory lock. */
export async function migrateControlSchema(databaseUrl: string): Promise<string[]> {
  await ensureDatabaseExists(databaseUrl);
  const lock = new Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await lock.query('CREATE SCHEMA IF NOT EXISTS kplane');
    const ds = new DataSource(controlDataSourceOptions(databaseUrl));
    await ds.initialize();
    try {
      const applied = await ds.runMigrations();
      return applied.map((m) => m.name);
    } finally {
      await ds.destroy();
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.end();
  }
}

/** The pg pool behind TypeORM's postgres driver (undefined if the driver changes shape). */
export function controlPool(ds: DataSource): Pool | undefined {
  return (ds.driver as unknown as { master?: Pool }).master;
}

/**
 * TypeORM listens for errors on a checked-out client only once its promise resumes, which is too
 * late for a session that ends in the read that opened it (see guardCheckedOutClients).
 */
export function guardControlPool(ds: DataSource): void {
  const pool = controlPool(ds);
  if (pool) guardCheckedOutClients(pool);
}
