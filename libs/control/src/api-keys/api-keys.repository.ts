import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isUniqueViolation } from '../database/pg-errors';
import { ApiKeyError } from './api-keys.errors';

export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** What authentication needs of a live key (its tenant still exists). */
export interface ApiKeyIdentity {
  id: string;
  tenantId: string;
  lastUsedAt: Date | null;
}

interface Row {
  id: string;
  tenant_id: string;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
}

const toRecord = (r: Row): ApiKeyRecord => ({ id: r.id, tenantId: r.tenant_id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at });

/** Data access for kplane.api_keys (plain SQL; pg errors become ApiKeyErrors here). */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(key: { id: string; tenantId: string; name: string; tokenHash: string }): Promise<ApiKeyRecord> {
    try {
      const rows: Row[] = await this.dataSource.query(
        `/* api_keys.insert */ INSERT INTO kplane.api_keys (id, tenant_id, name, token_hash) VALUES ($1, $2, $3, $4)
         RETURNING id, tenant_id, name, created_at, last_used_at`,
        [key.id, key.tenantId, key.name, key.tokenHash],
      );
      return toRecord(rows[0]!);
    } catch (err) {
      if (isUniqueViolation(err, 'api_keys_tenant_id_name_key')) {
        throw new ApiKeyError('API_KEY_NAME_TAKEN', `an API key named "${key.name}" already exists in this tenant`);
      }
      throw err;
    }
  }

  async list(tenantId: string, limit: number, afterName?: string): Promise<ApiKeyRecord[]> {
    const rows: Row[] = await this.dataSource.query(
      `/* api_keys.list */ SELECT id, tenant_id, name, created_at, last_used_at FROM kplane.api_keys
        WHERE tenant_id = $1 AND revoked_at IS NULL AND ($2::text IS NULL OR name > $2)
        ORDER BY name ASC LIMIT $3`,
      [tenantId, afterName ?? null, limit],
    );
    return rows.map(toRecord);
  }

  /** Marks the key revoked; false when there is no live key with this id in the tenant. */
  async revoke(tenantId: string, id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `/* api_keys.revoke */ UPDATE kplane.api_keys SET revoked_at = now()
        WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL RETURNING id`,
      [id, tenantId],
    );
    // TypeORM returns [rows, count] for UPDATE ... RETURNING on postgres.
    const returned = Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows;
    return returned.length > 0;
  }

  /** A live key by token hash, only while its tenant exists. */
  async findLiveByHash(tokenHash: string): Promise<ApiKeyIdentity | null> {
    const rows: { id: string; tenant_id: string; last_used_at: Date | null }[] = await this.dataSource.query(
      `/* api_keys.find_live_by_hash */ SELECT k.id, k.tenant_id, k.last_used_at
         FROM kplane.api_keys k JOIN kplane.tenants t ON t.id = k.tenant_id
        WHERE k.token_hash = $1 AND k.revoked_at IS NULL`,
      [tokenHash],
    );
    const row = rows[0];
    return row ? { id: row.id, tenantId: row.tenant_id, lastUsedAt: row.last_used_at } : null;
  }

  /** Sets last_used_at unless it was set less than `minIntervalSeconds` ago (at most one write a minute). */
  async touch(id: string, minIntervalSeconds: number): Promise<void> {
    await this.dataSource.query(
      `/* api_keys.touch */ UPDATE kplane.api_keys SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2))`,
      [id, minIntervalSeconds],
    );
  }
}
