// A stand-in for PostgreSQL's autovacuum, for servers that run with it off (our CI machines do:
// /etc/postgresql/15/main/conf.d/90-ci.conf). Without it no workspace table is ever analysed, so
// the planner guesses (a label list then also scans the resource index, growing with N) and the
// one-row revision table keeps every dead version. Production servers run autovacuum; a bench
// that measures without it measures a misconfigured server.
import { Client } from 'pg';

/**
 * autovacuum's default rules: vacuum past 50 + 20 % dead rows, analyse past 50 + 10 % changed rows;
 * like autovacuum, the system catalogs too (every workspace adds and drops ~22 relations' rows in
 * pg_class, pg_attribute, pg_depend...), toast tables with their own table.
 */
const DUE = `
  SELECT format('%I.%I', schemaname, relname) AS rel,
         n_dead_tup > 50 + 0.2 * n_live_tup AS vacuum
    FROM pg_stat_all_tables
   WHERE schemaname <> 'information_schema' AND schemaname !~ '^pg_(toast|temp_)'
     AND (n_dead_tup > 50 + 0.2 * n_live_tup OR n_mod_since_analyze > 50 + 0.1 * n_live_tup)`;

export interface AutovacuumStandIn {
  /** Whether it runs (the server's own autovacuum is off). */
  active: boolean;
  /**
   * Does now what is due and checkpoints, so that a scenario does not pay for the vacuuming and the
   * full-page writes that an earlier one left behind (seen: provisioning after the 100k-object
   * scenarios cost PostgreSQL twice the CPU per workspace it costs alone).
   */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Every `intervalMs`, vacuums/analyses the tables of `databaseUrl` that autovacuum would; not when
 * the server's autovacuum is on or `enabled` is false (then `settle` only checkpoints).
 */
export async function startAutovacuumStandIn(databaseUrl: string, intervalMs = 30_000, enabled = true): Promise<AutovacuumStandIn> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'kplane-bench-autovacuum' });
  await client.connect();
  client.on('error', () => undefined); // the database is dropped at the end of the run
  const { rows } = await client.query<{ autovacuum: string }>('SHOW autovacuum');
  const checkpoint = async () => void (await client.query('CHECKPOINT').catch(() => undefined));
  if (rows[0].autovacuum === 'on' || !enabled) {
    return { active: false, settle: checkpoint, stop: async () => void (await client.end().catch(() => undefined)) };
  }
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const pass = async () => {
    // Counters reach pg_stat_all_tables with a delay; what is due now is done now, the rest next time.
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
    async settle() {
      await new Promise((done) => setTimeout(done, 1_000)); // backends report their counters within a second
      running = running.then(pass).catch(() => undefined);
      await running;
      await checkpoint();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await client.end().catch(() => undefined);
    },
  };
}
