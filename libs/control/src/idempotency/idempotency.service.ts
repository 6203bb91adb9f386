import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { IdempotencyError } from './idempotency.errors';
import { IDEMPOTENCY_KEY_RE } from './request-fingerprint';

export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export type IdempotencyClaim = { kind: 'claimed' } | { kind: 'replay'; response: StoredResponse };

export interface IdempotencyOptions {
  /** How long a key is remembered. */
  retentionSeconds?: number;
  /** A claim never completed for this long is taken over (its request died). */
  staleClaimSeconds?: number;
  /** How long a second request waits for the first one with the same key to finish. */
  waitMs?: number;
}

const DEFAULTS = { retentionSeconds: 24 * 3600, staleClaimSeconds: 300, waitMs: 10_000 };

/**
 * Idempotency keys in kplane.idempotency_keys, scoped by principal. The first request
 * claims the key (a row without a response), runs, then stores its response; a repeat
 * with the same fingerprint replays it, one with another fingerprint is refused, and a
 * concurrent repeat waits for the first to finish.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly dataSource: DataSource) {}

  async claim(principal: string, key: string, fingerprint: string, options: IdempotencyOptions = {}): Promise<IdempotencyClaim> {
    const { retentionSeconds, staleClaimSeconds, waitMs } = { ...DEFAULTS, ...options };
    if (!IDEMPOTENCY_KEY_RE.test(key)) {
      throw new IdempotencyError('IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be 1-255 visible ASCII characters');
    }
    const deadline = Date.now() + waitMs;
    for (;;) {
      const claimed: unknown[] = await this.dataSource.query(
        `INSERT INTO kplane.idempotency_keys AS k (principal, key, request_hash)
         VALUES ($1, $2, $3)
         ON CONFLICT (principal, key) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, response_status = NULL, response_body = NULL,
               response_headers = NULL, created_at = now()
           WHERE k.created_at < now() - make_interval(secs => $4)
              OR (k.response_status IS NULL AND k.created_at < now() - make_interval(secs => $5))
         RETURNING 1`,
        [principal, key, fingerprint, retentionSeconds, staleClaimSeconds],
      );
      if (claimed.length > 0) return { kind: 'claimed' };

      const rows: { request_hash: string; response_status: number | null; response_body: unknown; response_headers: Record<string, string> | null }[] =
        await this.dataSource.query(
          `SELECT request_hash, response_status, response_body, response_headers
             FROM kplane.idempotency_keys WHERE principal = $1 AND key = $2`,
          [principal, key],
        );
      const row = rows[0];
      if (!row) continue; // the other request gave the key up; try to claim it again
      if (row.request_hash !== fingerprint) {
        throw new IdempotencyError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used with a different request');
      }
      if (row.response_status !== null) {
        return { kind: 'replay', response: { status: row.response_status, body: row.response_body, headers: row.response_headers ?? {} } };
      }
      if (Date.now() >= deadline) {
        throw new IdempotencyError('IDEMPOTENCY_REQUEST_IN_PROGRESS', 'a request with this Idempotency-Key is still in progress');
      }
      await sleep(100);
    }
  }

  async complete(principal: string, key: string, response: StoredResponse): Promise<void> {
    await this.dataSource.query(
      `UPDATE kplane.idempotency_keys SET response_status = $3, response_body = $4::jsonb, response_headers = $5::jsonb
        WHERE principal = $1 AND key = $2`,
      [principal, key, response.status, JSON.stringify(response.body ?? null), JSON.stringify(response.headers)],
    );
  }

  /** Gives the key up after a failed request, so that a retry runs again. */
  async release(principal: string, key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM kplane.idempotency_keys WHERE principal = $1 AND key = $2 AND response_status IS NULL`, [
      principal,
      key,
    ]);
  }

  /** Housekeeping: drops keys past retention; returns how many. */
  async purgeExpired(retentionSeconds = DEFAULTS.retentionSeconds): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM kplane.idempotency_keys WHERE created_at < now() - make_interval(secs => $1)`,
      [retentionSeconds],
    );
    return Array.isArray(result) ? Number(result[1] ?? 0) : 0;
  }
}
