import { createTestDatabase, TestDatabase } from '@kplane/testing';
import { Client } from 'pg';
import type { NestExpressApplication } from '@nestjs/platform-express';
import IORedis from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createApiApp } from '../app-factory';
import { ApiConfig, loadApiConfig } from '../api-config';

/** Test support: the API in-process on port 0, with its own database and queue prefix. */
export interface ApiHarness {
  app: NestExpressApplication;
  config: ApiConfig;
  baseUrl: string;
  adminToken: string;
  queuePrefix: string;
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is (for malformed JSON and oversized bodies). */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Defaults to the admin token; null sends no Authorization header. */
  token?: string | null;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export async function startApi(databaseUrl: string, env: Record<string, string> = {}): Promise<ApiHarness> {
  const adminToken = 'kpa_test_' + randomBytes(16).toString('hex');
  const queuePrefix = 'kplane_t_' + randomBytes(6).toString('hex');
  const config = loadApiConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    KPLANE_ADMIN_TOKEN: adminToken,
    KPLANE_MASTER_KEY: randomBytes(32).toString('base64'),
    KPLANE_QUEUE_PREFIX: queuePrefix,
    KPLANE_APISERVER_URL: 'https://kplane.test:6443',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const app = await createApiApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const token = options.token === undefined ? adminToken : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    const res = await fetch(baseUrl + path, { method, headers, body });
    const text = await res.text();
    let json: unknown = undefined;
    const type = res.headers.get('content-type') ?? '';
    if (/json/.test(type) && text.length > 0) json = JSON.parse(text);
    return { status: res.status, headers: res.headers, text, json };
  };

  return {
    app,
    config,
    baseUrl,
    adminToken,
    queuePrefix,
    request,
    close: async () => {
      await app.close();
      await removeQueueKeys(config.env.REDIS_URL, queuePrefix);
    },
  };
}

/** Drops the BullMQ keys of this test's prefix (best effort; Redis may be the thing that is down). */
async function removeQueueKeys(url: string, prefix: string): Promise<void> {
  if (process.env.PRESERVE === '1') return;
  const redis = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // not reachable: nothing to clean
  } finally {
    redis.disconnect();
  }
}

/** A random DNS-1123 name for test fixtures. */
export const randomName = (prefix = 't'): string => `${prefix}-${randomBytes(4).toString('hex')}`;

export interface ApiSuite {
  readonly db: TestDatabase;
  readonly api: ApiHarness;
  readonly pg: Client;
}

/** Registers beforeAll/afterAll for a spec file: its own database, the API on it, and a pg client for assertions. */
export function useApiSuite(env: Record<string, string> = {}): ApiSuite {
  const s: { db?: TestDatabase; api?: ApiHarness; pg?: Client } = {};
  beforeAll(async () => {
    s.db = await createTestDatabase();
    s.api = await startApi(s.db.url, env);
    s.pg = new Client({ connectionString: s.db.url });
    await s.pg.connect();
  });
  afterAll(async () => {
    await s.pg?.end();
    await s.api?.close();
    await s.db?.drop();
  });
  return {
    get db() {
      return s.db!;
    },
    get api() {
      return s.api!;
    },
    get pg() {
      return s.pg!;
    },
  };
}
