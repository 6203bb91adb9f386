import { adminApi, kubeRequest } from '@kplane/testing';
import { schemaName, useFaultSuite, waitForOperation, withDb, workspaceAccess } from './fault-harness';

/** Cuts every PostgreSQL connection of the apiserver's pools (not its watch pool) mid-flight. */
const TERMINATE_APISERVER_BACKENDS = `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
  WHERE datname = current_database() AND application_name = 'kplane-apiserver' AND pid <> pg_backend_pid()`;

describe('faults: write transactions cut off halfway', () => {
  // The per-workspace request rate limit would answer part of the burst with 429 before any write.
  const suite = useFaultSuite('wbatch', { KPLANE_WORKSPACE_RATE_LIMIT_PER_SECOND: '0' });

  it('every acknowledged write is stored once with its change row; a cut transaction leaves nothing half-written', async () => {
    const r = await adminApi(suite.platform, 'POST', `/v1/tenants/${suite.tenant}/workspaces`, { name: 'burst' });
    expect((await waitForOperation(suite.platform, r.body.operation.id)).status).toBe('Succeeded');
    const workspaceId = r.body.workspace?.id ?? (await adminApi(suite.platform, 'GET', `/v1/tenants/${suite.tenant}/workspaces/burst`)).body.id;
    const ws = await workspaceAccess(suite.platform, suite.tenant, 'burst', suite.dir);
    const create = async (name: string) => {
      try {
        const res = await kubeRequest(ws, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name }, data: { name } } });
        return { name, status: res.status, rv: res.body?.metadata?.resourceVersion as string | undefined, reason: res.body?.reason as string | undefined };
      } catch (err) {
        return { name, status: -1, rv: undefined, reason: `${(err as Error).message}\n${suite.platform.logs().slice(-3000)}` };
      }
    };

    const answers: Awaited<ReturnType<typeof create>>[] = [];
    let terminated = 0;
    for (let round = 0; round < 6; round++) {
      // 60 creates at once queue in the write gate and commit in batches; the cut lands among them.
      const sent = Array.from({ length: 60 }, (_, i) => create(`r${round}-${i}`));
      await new Promise((done) => setTimeout(done, 5 + round * 4));
      terminated += await withDb(suite.platform, async (c) => (await c.query<{ n: number }>(TERMINATE_APISERVER_BACKENDS)).rows[0].n);
      answers.push(...(await Promise.all(sent)));
    }
    expect(terminated).toBeGreaterThan(0);
    // A write either succeeded or was refused as unavailable (its outcome unknown to the client); never a 500.
    expect(answers.filter((a) => a.status !== 201 && a.status !== 503)).toEqual([]);
    const acknowledged = answers.filter((a) => a.status === 201);
    expect(acknowledged.length).toBeGreaterThan(0);
    console.log(`backends cut ${terminated}; writes acknowledged ${acknowledged.length}, unavailable ${answers.length - acknowledged.length}`);

    const stored = await withDb(suite.platform, async (c) => {
      const s = `"${schemaName(workspaceId)}"`;
      const objects = (await c.query<{ name: string; rv: string }>(`SELECT name, rv::text AS rv FROM ${s}.objects WHERE resource = 'configmaps' AND name ~ '^r[0-9]-'`)).rows;
      const added = (await c.query<{ name: string; rv: string }>(`SELECT name, rv::text AS rv FROM ${s}.changes WHERE type = 'ADDED' AND resource = 'configmaps' AND name ~ '^r[0-9]-'`)).rows;
      const counters = (await c.query<{ objects: string; counted: string }>(`SELECT m.objects::text AS objects, (SELECT count(*) FROM ${s}.objects)::text AS counted FROM ${s}.meta m`)).rows[0];
      return { objects, added, counters };
    });
    const storedRv = new Map(stored.objects.map((o) => [o.name, o.rv]));
    // Acknowledged means stored, at the revision the client was told.
    for (const a of acknowledged) expect(storedRv.get(a.name)).toBe(a.rv);
    // Every stored object has exactly its one ADDED change at its revision, and nothing else was written.
    expect(stored.added.map((c) => `${c.name}@${c.rv}`).sort()).toEqual(stored.objects.map((o) => `${o.name}@${o.rv}`).sort());
    expect(stored.counters.objects).toBe(stored.counters.counted);
    // The apiserver keeps serving: a write after the cuts succeeds.
    expect((await create('after-the-cuts')).status).toBe(201);
  }, 120_000);
});
