import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiEnv, apiserverEnv, apiserverUrl, ConfigError, parseEnv, resolveSecrets } from '.';

describe('parseEnv', () => {
  it('applies the contract defaults', () => {
    const env = parseEnv(apiEnv, {});
    expect(env.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/kplane');
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(env.PORT).toBe(3000);
    expect(env.APISERVER_PORT).toBe(6443);
    expect(env.KPLANE_DATA_DIR).toBe('./.data');
    expect(env.NODE_ENV).toBe('development');
    expect(apiserverUrl(env)).toBe('https://127.0.0.1:6443');
  });

  it('names every malformed variable at once without printing values', () => {
    let message = '';
    try {
      parseEnv(apiEnv, { PORT: 'abc', DATABASE_URL: 'mysql://secret-password@x/y', KPLANE_MASTER_KEY: 'short' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('PORT');
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('KPLANE_MASTER_KEY');
    expect(message).not.toContain('secret-password');
  });

  it("bounds the apiserver's write batching", () => {
    const env = parseEnv(apiserverEnv, {});
    expect([env.KPLANE_WRITES_IN_FLIGHT_PER_WORKSPACE, env.KPLANE_WRITE_BATCH_MAX, env.KPLANE_WRITE_TRANSACTIONS_IN_FLIGHT, env.KPLANE_WRITE_POOLS]).toEqual([2, 32, 4, 4]);
    expect(parseEnv(apiserverEnv, { KPLANE_WRITE_BATCH_MAX: '64', KPLANE_WRITE_TRANSACTIONS_IN_FLIGHT: '0', KPLANE_WRITE_POOLS: '0' })).toMatchObject({ KPLANE_WRITE_BATCH_MAX: 64, KPLANE_WRITE_TRANSACTIONS_IN_FLIGHT: 0, KPLANE_WRITE_POOLS: 0 });
    for (const bad of [{ KPLANE_WRITE_BATCH_MAX: '65' }, { KPLANE_WRITE_BATCH_MAX: '0' }, { KPLANE_WRITE_TRANSACTIONS_IN_FLIGHT: '-1' }, { KPLANE_WRITE_POOLS: '65' }, { KPLANE_WRITE_POOLS: '1.5' }]) {
      expect(() => parseEnv(apiserverEnv, bad)).toThrow(ConfigError);
    }
  });
});

describe('resolveSecrets', () => {
  it('stops production start-up naming each missing secret', () => {
    const env = { NODE_ENV: 'production', KPLANE_DATA_DIR: '/nonexistent' };
    expect(() => resolveSecrets(env, { adminToken: true })).toThrow(/KPLANE_MASTER_KEY[\s\S]*KPLANE_ADMIN_TOKEN/);
  });

  it('generates development secrets once and reports the token only to the process that made it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kplane-cfg-'));
    const env = { NODE_ENV: 'development', KPLANE_DATA_DIR: dir };
    const first = resolveSecrets(env, { adminToken: true });
    const second = resolveSecrets(env, { adminToken: true });
    expect(first.generatedAdminToken).toBe(first.adminToken);
    expect(second.generatedAdminToken).toBeUndefined();
    expect(second.adminToken).toBe(first.adminToken);
    expect(second.masterKey.equals(first.masterKey)).toBe(true);
    expect(first.masterKey).toHaveLength(32);
    expect(readFileSync(join(dir, 'admin-token'), 'utf8').trim()).toBe(first.adminToken);
  });
});
