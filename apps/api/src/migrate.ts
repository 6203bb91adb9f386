import { commonEnv, ConfigError, parseEnv } from '@kplane/config';
import { migrateControlSchema } from '@kplane/control';

/** One-shot `npm run migrate`: applies pending control-schema migrations and exits. */
async function main(): Promise<void> {
  const env = parseEnv(commonEnv);
  const applied = await migrateControlSchema(env.DATABASE_URL);
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'control schema is up to date\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`kplane migrate: ${err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
