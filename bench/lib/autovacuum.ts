// A stand-in for PostgreSQL's autovacuum, for servers that run with it off (our CI machines do:
// /etc/postgresql/15/main/conf.d/90-ci.conf). Without it no workspace table is ever analysed, so
// the planner guesses (a label list then also scans the resource index, growing with N) and the
// one-row revision table keeps every dead version. Production servers run autovacuum; a bench
// that measures without it measures a misconfigured server.
import { Client } from 'pg';

/** autovacuum's default rules: vacuum past 50 + 20 % dead rows, analyse past 50 + 10 % changed rows. */
const DUE = `
  SELECT format('%I.%I', schemaname, relname) AS rel,
         n_dead_tup > 50 + 0.2 * n_live_tup AS vacuum
    FROM pg_stat_user_tables
   WHERE n_dead_tup > 50 + 0.2 * n_live_tup OR n_mod_since_analyze > 50 + 0.1 * n_live_tup`;

export interface AutovacuumStandIn {
  /** Whether it runs (the server's own autovacuum is off). */
  active: boolean;
  stop(): Promise<void>;
}

/** Every `intervalMs`, vacuums/analyses the tables of `databaseUrl` that autovacuum would. */
export async function startAutovacuumStandIn(databaseUrl: string, intervalMs = 30_000): Promise<AutovacuumStandIn> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'kplane-bench-autovacuum' });
  await client.connect();
  client.on('error', () => undefined); // the database is dropped at the end of the run
  const { rows } = await client.query<{ autovacuum: string }>('SHOW autovacuum');
  if (rows[0].autovacuum === 'on') {
    await client.end();
    return { active: false, stop: async () => undefined };
  }
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const pass = async () => {
    // Counters reach pg_stat_user_tables with a delay; what is due now is done now, the rest next time.
    for (const t of (await client.query<{ rel: string; vacuum: boolean }>(DUE)).rows) {
      if (stopped) return;
      await client.query(`${t.vacuum ? 'VACUUM (ANALYZE)' : 'ANALYZE'} ${t.rel}`).catch(() => undefined); // dropped meanwhile
    }
  };
  const timer = setInterval(() => {
    running = running.then(pass).catch(() => undefined);
  }, intervalMs);
  return {
    active: true,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await client.end().catch(() => undefined);
    },
  };
}
