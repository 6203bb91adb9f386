import { Pool } from 'pg';
import { PG_SESSION_OPTIONS } from '@kplane/store';
import type { BenchPlatform } from './platform';
import { BenchWorkspace, kubeRequest } from './workspace';

/** An integer knob of at least `min` (1 unless 0 means "skip this step"). */
export function envInt(name: string, def: number, min = 1): number {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer of at least ${min}, got ${JSON.stringify(v)}`);
  return n;
}

/** A comma-separated list of positive integers (e.g. BENCH_SIZES=10000,100000). */
export function envIntList(name: string, def: number[]): number[] {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const out = v.split(',').map((x) => Number(x.trim()));
  if (out.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`${name} must be a list of positive integers, got ${JSON.stringify(v)}`);
  return out;
}

export const envFlag = (name: string) => process.env[name] === '1' || process.env[name] === 'true';

export async function expectOk(ws: BenchWorkspace, method: string, path: string, body?: unknown, contentType?: string): Promise<any> {
  const r = await kubeRequest(ws, method, path, { body, contentType });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 500)}`);
  return r.body;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` is true (CRD Established, and the like). */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A small admin pool on the bench database (seeding, catalog sizes, backend pids). */
export function adminPool(p: BenchPlatform, max = 2): Pool {
  const pool = new Pool({ connectionString: p.databaseUrl, max, application_name: 'kplane-bench', options: PG_SESSION_OPTIONS });
  pool.on('error', () => undefined);
  return pool;
}

/** Pids of the Postgres backends serving the bench database, excluding the bench's own. */
export async function postgresBackendPids(pool: Pool, databaseName: string): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND coalesce(application_name, '') NOT LIKE 'kplane-bench%'`,
    [databaseName],
  );
  return rows.map((r) => r.pid);
}

/** Runs `fn` for i in [0, n) with at most `concurrency` in flight. */
export async function mapLimit<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}
