import { randomUUID } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import { quotedWorkspaceSchema } from '../schemas/workspace-schema-name';
import { StoreError } from '../store.errors';
import { createStoreTestDb, StoreTestDb } from '../testing/store-test-db';
import { PipelineFailure, PREPARED_PER_CONNECTION, runPipelined, runPipelinedMany } from './pipelined-statement';
import { inWorkspaceStatement, inWorkspaceTx, preparedName } from './workspace-tx';
import * as sql from './statements';

describe('pipelined statements (one round trip, one transaction)', () => {
  let t: StoreTestDb;
  let ws: string;
  let loginRole: string;
  beforeAll(async () => {
    t = await createStoreTestDb();
    ws = (await t.newWorkspace()).id;
    loginRole = (await t.pool.query<{ u: string }>('SELECT current_user AS u')).rows[0].u;
    await t.pool.query('CREATE TABLE public.pipeline_probe (n int)');
  });
  afterAll(async () => {
    await t.close();
  });

  const schema = () => quotedWorkspaceSchema(ws);
  const role = () => schema().replace(/"/g, '');
  /** Runs `fn` on a client of its own, released after. */
  const onClient = async (fn: (c: PoolClient) => Promise<void>) => {
    const c = await t.pool.connect();
    try {
      await fn(c);
    } finally {
      c.release();
    }
  };
  const probeCount = async () => (await t.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM public.pipeline_probe')).rows[0].n;

  it('returns the main statement rows and row count, with setup and teardown run around it', async () => {
    await onClient(async (c) => {
      const r = await runPipelined<{ who: string; n: number }>(c, [`SET ROLE ${schema()}`], 'SELECT current_user AS who, $1::int AS n FROM generate_series(1, $2::int)', [7, 3], ['RESET ROLE']);
      expect(r.rows).toEqual(Array(3).fill({ who: role(), n: 7 }));
      expect(r.rowCount).toBe(3);
      const ins = await runPipelined(c, [], 'INSERT INTO public.pipeline_probe SELECT generate_series(1, $1::int)', [4]);
      expect(ins).toEqual({ rows: [], rowCount: 4 });
      expect((await c.query('SELECT current_user AS u')).rows[0].u).toBe(loginRole);
      await c.query('TRUNCATE public.pipeline_probe');
    });
  });

  it('a failing main statement undoes the setup SET ROLE and says which step failed', async () => {
    await onClient(async (c) => {
      const err = (await runPipelined(c, [`SET ROLE ${schema()}`], 'SELECT 1 / $1::int', [0], ['RESET ROLE']).catch((e) => e)) as PipelineFailure;
      expect(err.message).toMatch(/division by zero/);
      expect(err.step).toBe(1);
      // The transaction ended (aborted) at the Sync: the client is usable, its role is the login role.
      expect((await c.query('SELECT current_user AS u')).rows[0].u).toBe(loginRole);
    });
  });

  it('a failing main statement undoes what the setup wrote', async () => {
    await onClient(async (c) => {
      const err = (await runPipelined(c, ['INSERT INTO public.pipeline_probe VALUES (1)'], 'SELECT 1 / 0', []).catch((e) => e)) as PipelineFailure;
      expect(err.step).toBe(1);
      expect(await probeCount()).toBe(0);
    });
  });

  it('a failing teardown undoes the main statement (one transaction)', async () => {
    await onClient(async (c) => {
      const err = (await runPipelined(c, [], 'INSERT INTO public.pipeline_probe VALUES (1)', [], ['SELECT 1 / 0']).catch((e) => e)) as PipelineFailure;
      expect(err.step).toBe(1);
      expect(await probeCount()).toBe(0);
    });
  });

  it('a failing setup skips the main statement', async () => {
    await onClient(async (c) => {
      const err = (await runPipelined(c, ['SET ROLE kplane_no_such_role'], 'INSERT INTO public.pipeline_probe VALUES (1)', []).catch((e) => e)) as PipelineFailure;
      expect(err.step).toBe(0);
      expect(await probeCount()).toBe(0);
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    });
  });

  describe('several main statements (runPipelinedMany)', () => {
    it('runs them in order in one transaction, each seeing the ones before it, with rows per statement', async () => {
      await onClient(async (c) => {
        const results = await runPipelinedMany<{ n: number }>(c, [], [
          { text: 'INSERT INTO public.pipeline_probe SELECT generate_series(1, $1::int)', values: [3] },
          { text: 'SELECT count(*)::int AS n FROM public.pipeline_probe', values: [] },
          { text: 'SELECT $1::int AS n', values: [9] },
        ], ['SELECT 1 AS teardown']);
        expect(results).toEqual([{ rows: [], rowCount: 3 }, { rows: [{ n: 3 }], rowCount: 1 }, { rows: [{ n: 9 }], rowCount: 1 }]);
        await c.query('TRUNCATE public.pipeline_probe');
      });
    });

    it('a failure at a later statement undoes the earlier ones and says which step failed', async () => {
      await onClient(async (c) => {
        const err = (await runPipelinedMany(c, ['SELECT 1'], [
          { text: 'INSERT INTO public.pipeline_probe VALUES (1)', values: [] },
          { text: 'INSERT INTO public.pipeline_probe VALUES (2)', values: [] },
          { text: 'SELECT 1 / $1::int', values: [0] },
        ]).catch((e) => e)) as PipelineFailure;
        expect(err.message).toMatch(/division by zero/);
        expect(err.step).toBe(3);
        expect(await probeCount()).toBe(0);
      });
    });

    it('parses a prepared statement used twice in one pipeline once, and again after a failure there', async () => {
      const c = await t.pool.connect();
      try {
        const text = 'SELECT 12 / $1::int AS n';
        const twice = (a: number, b: number) => runPipelinedMany<{ n: number }>(c, [], [{ text, values: [a], preparedAs: 'probe.twice' }, { text, values: [b], preparedAs: 'probe.twice' }]);
        expect((await twice(2, 3)).map((r) => r.rows)).toEqual([[{ n: 6 }], [{ n: 4 }]]);
        expect((await twice(4, 6)).map((r) => r.rows)).toEqual([[{ n: 3 }], [{ n: 2 }]]);
        expect(((await twice(1, 0).catch((e) => e)) as PipelineFailure).step).toBe(1);
        expect((await twice(12, 1)).map((r) => r.rows)).toEqual([[{ n: 1 }], [{ n: 12 }]]);
        expect((await c.query<{ name: string }>('SELECT name FROM pg_prepared_statements')).rows).toEqual([{ name: 'probe.twice' }]);
      } finally {
        c.release(true);
      }
    });
  });

  describe('prepared statements (preparedAs)', () => {
    const preparedOnServer = async (c: PoolClient) => (await c.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name')).rows.map((r) => r.name);

    it('are parsed once per connection and bound with new values after', async () => {
      await onClient(async (c) => {
        const text = 'SELECT $1::int * 2 AS n';
        expect((await runPipelined(c, [], text, [2], [], 'probe.double')).rows).toEqual([{ n: 4 }]);
        expect((await runPipelined(c, [], text, [5], [], 'probe.double')).rows).toEqual([{ n: 10 }]);
        expect(await preparedOnServer(c)).toEqual(['probe.double']);
      });
    });

    it('a failure at the statement or at a setup before it leaves the next call working', async () => {
      await onClient(async (c) => {
        const text = 'SELECT 10 / $1::int AS n';
        // Fails at execution (after it was parsed), then at a setup step (the statement untouched).
        expect(((await runPipelined(c, [], text, [0], [], 'probe.divide').catch((e) => e)) as PipelineFailure).step).toBe(0);
        expect((await runPipelined(c, [], text, [5], [], 'probe.divide')).rows).toEqual([{ n: 2 }]);
        expect(((await runPipelined(c, ['SELECT 1 / 0'], text, [5], [], 'probe.divide').catch((e) => e)) as PipelineFailure).step).toBe(0);
        expect((await runPipelined(c, [], text, [2], [], 'probe.divide')).rows).toEqual([{ n: 5 }]);
        // A statement that fails to parse is not prepared; parsing is tried again next time.
        const bad = await runPipelined(c, [], 'SELECT FROM nowhere_at_all', [], [], 'probe.bad').catch((e) => e);
        expect(bad.message).toMatch(/does not exist/);
        expect(await preparedOnServer(c)).not.toContain('probe.bad');
      });
    });

    it('keeps the most recently used statements of a connection and closes the rest', async () => {
      const c = await t.pool.connect();
      try {
        const text = 'SELECT $1::int + 1 AS n';
        const call = async (i: number) => expect((await runPipelined(c, [], text, [i], [], `probe.lru.${i}`)).rows).toEqual([{ n: i + 1 }]);
        for (let i = 0; i < PREPARED_PER_CONNECTION; i++) await call(i);
        await call(0); // used again: now the most recently used, so probe.lru.1 goes first
        await call(PREPARED_PER_CONNECTION);
        await call(PREPARED_PER_CONNECTION + 1);
        const names = await preparedOnServer(c);
        expect(names).toHaveLength(PREPARED_PER_CONNECTION);
        expect(names).toEqual(expect.arrayContaining(['probe.lru.0', 'probe.lru.3', `probe.lru.${PREPARED_PER_CONNECTION + 1}`]));
        expect(names).not.toContain('probe.lru.1');
        expect(names).not.toContain('probe.lru.2');
        // A closed statement is parsed again when it comes back.
        await call(1);
        expect(await preparedOnServer(c)).toContain('probe.lru.1');
      } finally {
        c.release(true); // its many statements go with it
      }
    });

    it('a pipeline binding more statements than a connection keeps closes none of them; the next one trims', async () => {
      const c = await t.pool.connect();
      try {
        const text = 'SELECT $1::int * 3 AS n';
        const count = PREPARED_PER_CONNECTION + 5;
        const wide = (offset: number) =>
          runPipelinedMany<{ n: number }>(c, [], Array.from({ length: count }, (_, i) => ({ text, values: [i], preparedAs: `probe.wide.${i + offset}` })));
        for (const offset of [0, 3]) {
          const results = await wide(offset); // the second overlaps the first, partly prepared already
          expect(results.map((r) => r.rows[0].n)).toEqual(Array.from({ length: count }, (_, i) => i * 3));
        }
        expect(await preparedOnServer(c)).toHaveLength(count);
        expect((await runPipelined<{ n: number }>(c, [], text, [7], [], 'probe.wide.next')).rows).toEqual([{ n: 21 }]);
        expect(await preparedOnServer(c)).toHaveLength(PREPARED_PER_CONNECTION);
      } finally {
        c.release(true);
      }
    });

    it('one prepared text reads the tables of whichever workspace it runs in, and no other', async () => {
      const other = await t.newWorkspace();
      const mine = await t.newWorkspace();
      const cm = (name: string, value: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', uid: randomUUID() }, data: { value } });
      await mine.store.create('configmaps', cm('shared-name', 'mine'));
      await other.store.create('configmaps', cm('shared-name', 'other'));
      await other.store.create('configmaps', cm('only-other', 'other'));
      const one = new Pool({ connectionString: t.db.url, max: 1 });
      try {
        const read = async (id: string, name: string) => {
          const rows = await inWorkspaceStatement<{ body: { data: { value: string } } }>(one, quotedWorkspaceSchema(id), sql.getObject, ['configmaps', 'default', name]);
          return rows.map((r) => r.body.data.value);
        };
        // Alternating on one connection: the plan made for one workspace is never used for the other.
        for (let i = 0; i < 8; i++) {
          expect(await read(mine.id, 'shared-name')).toEqual(['mine']);
          expect(await read(other.id, 'shared-name')).toEqual(['other']);
          expect(await read(mine.id, 'only-other')).toEqual([]);
        }
        const [state] = (await one.query<{ path: string; user: string; prepared: string[] }>(
          `SELECT current_setting('search_path') AS path, current_user AS user, array(SELECT name FROM pg_prepared_statements) AS prepared`,
        )).rows;
        // Prepared once per workspace, so neither plan is made again when the connection switches.
        expect(state).toMatchObject({ path: '"$user", public', user: loginRole });
        expect(state.prepared.sort()).toEqual([preparedName(sql.getObject, quotedWorkspaceSchema(mine.id)), preparedName(sql.getObject, quotedWorkspaceSchema(other.id))].sort());
      } finally {
        await one.end();
      }
    });
  });

  it('names each hot statement per workspace within PostgreSQL\'s 63-byte limit', () => {
    const hot = Object.values(sql).filter((v): v is sql.Statement => typeof v === 'object' && v !== null && (v as sql.Statement).inWorkspacePath === true);
    expect(hot.map((s) => s.name).sort()).toEqual(['objects.create', 'objects.create_refusal', 'objects.delete', 'objects.get', 'objects.update']);
    for (const stmt of hot) {
      const name = preparedName(stmt, schema())!;
      expect(name).toBe(`${stmt.name}:${role()}`);
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    }
  });

  describe('workspace statements and transactions on a one-connection pool', () => {
    let one: Pool;
    beforeAll(() => {
      one = new Pool({ connectionString: t.db.url, max: 1 });
    });
    afterAll(async () => {
      await one.end();
    });
    const roleOfPooledClient = async () => (await one.query<{ u: string }>('SELECT current_user AS u')).rows[0].u;

    it('inWorkspaceStatement runs as the workspace role and hands the client back in the login role, after success and after failure', async () => {
      const [row] = await inWorkspaceStatement<{ who: string }>(one, schema(), { name: 'probe.who', text: 'SELECT current_user AS who' }, []);
      expect(row.who).toBe(role());
      expect(await roleOfPooledClient()).toBe(loginRole);
      const err = await inWorkspaceStatement(one, schema(), { name: 'probe.fail', text: `SELECT 1 / 0` }, []).catch((e) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect(err.message).toMatch(/^probe\.fail: division by zero/);
      expect(await roleOfPooledClient()).toBe(loginRole);
    });

    it('a client whose session fails the moment the pool hands it out does not take the process down', async () => {
      // A new client is handed out from inside the socket read that ended its handshake; a FATAL in
      // the same read is emitted before the caller resumes. The tick after the hand-over stands in for it.
      const fresh = new Pool({ connectionString: t.db.url, max: 1 });
      fresh.on('error', () => undefined);
      let failed = 0;
      fresh.on('acquire', (client) =>
        process.nextTick(() => {
          failed++;
          client.emit('error', new Error('terminating connection due to administrator command'));
        }),
      );
      try {
        const [row] = await inWorkspaceStatement<{ who: string }>(fresh, schema(), { name: 'probe.who', text: 'SELECT current_user AS who' }, []);
        expect(row.who).toBe(role());
        expect(failed).toBe(1);
      } finally {
        await fresh.end();
      }
    });

    it('a workspace whose role is gone is reported as not provisioned', async () => {
      const missing = quotedWorkspaceSchema('00000000-0000-4000-8000-00000000dead');
      const err = await inWorkspaceStatement(one, missing, sql.currentRevision(missing), []).catch((e) => e);
      expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringMatching(/does not exist \(not provisioned\)/) });
      const txErr = await inWorkspaceTx(one, missing, 'read', (tx) => tx.run(sql.currentRevision(missing))).catch((e) => e);
      expect(txErr).toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringMatching(/does not exist \(not provisioned\)/) });
      expect(await roleOfPooledClient()).toBe(loginRole);
    });

    it('inWorkspaceTx opens its transaction with the first statement, as the workspace role, and ends it', async () => {
      const probe = { name: 'probe', text: `SELECT current_user AS who, current_setting('transaction_isolation') AS iso, current_setting('transaction_read_only') AS ro` };
      const read = await inWorkspaceTx(one, schema(), 'read', async (tx) => [...(await tx.run(probe)), ...(await tx.run(probe))]);
      expect(read).toEqual(Array(2).fill({ who: role(), iso: 'repeatable read', ro: 'on' }));
      const write = await inWorkspaceTx(one, schema(), 'write', (tx) => tx.run(probe));
      expect(write).toEqual([{ who: role(), iso: 'read committed', ro: 'off' }]);
      await expect(inWorkspaceTx(one, schema(), 'write', async () => 'no statement')).resolves.toBe('no statement');
      await expect(inWorkspaceTx(one, schema(), 'write', async () => Promise.reject(new Error('refused before any statement')))).rejects.toThrow('refused before any statement');
      expect(await roleOfPooledClient()).toBe(loginRole);
      // Back in autocommit: the read's repeatable-read transaction is over.
      expect((await one.query(`SELECT current_setting('transaction_isolation') AS iso`)).rows).toEqual([{ iso: 'read committed' }]);
    });
  });
});
