import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { apiEnv, ConfigError, parseEnv, resolveSecrets } from '@kplane/config';
import { migrateControlSchema } from '@kplane/control';

/**
 * `npm start`: api, worker and apiserver together on one machine. Secrets and the control
 * schema are settled here first, so the three children start from the same state; each
 * child can also run alone (`npm run start:api` and so on) to scale out.
 */
const APPS = ['api', 'worker', 'apiserver'] as const;

async function main(): Promise<void> {
  const env = parseEnv(apiEnv);
  const secrets = resolveSecrets(env, { adminToken: true });
  await migrateControlSchema(env.DATABASE_URL);
  if (secrets.generatedAdminToken) {
    process.stdout.write(
      `\nkplane: generated a development admin token (kept in ${env.KPLANE_DATA_DIR}/admin-token; shown only this once):\n\n  ${secrets.generatedAdminToken}\n\n`,
    );
  }
  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const c of children) c.kill('SIGTERM');
    setTimeout(() => process.exit(code), 15_000).unref();
    Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r))))).then(() => process.exit(code));
  };
  for (const app of APPS) {
    const child = fork(join(__dirname, '..', '..', app, 'src', 'main.js'), [], { stdio: 'inherit' });
    child.once('exit', (code, signal) => {
      if (!stopping) {
        console.error(`kplane: ${app} exited (${signal ?? code}); stopping the others`);
        stop(code ?? 1);
      }
    });
    children.push(child);
  }
  process.once('SIGINT', () => stop(0));
  process.once('SIGTERM', () => stop(0));
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `kplane failed to start: ${(err as Error).message}`);
  process.exit(1);
});
