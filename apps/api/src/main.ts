import 'reflect-metadata';
import { ConfigError } from '@kplane/config';
import { createApiApp } from './app-factory';
import { ApiConfig, loadApiConfig } from './api-config';

async function main(): Promise<void> {
  let config: ApiConfig;
  try {
    config = loadApiConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`kplane api: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  if (config.generatedAdminToken) {
    // Printed once, by the process that generated it; it is kept under KPLANE_DATA_DIR.
    process.stdout.write(
      `\nkplane api: generated a development admin token (shown only this once):\n  KPLANE_ADMIN_TOKEN=${config.generatedAdminToken}\n\n`,
    );
  }
  const app = await createApiApp(config);
  await app.listen(config.env.PORT);
  process.stdout.write(`kplane api listening on port ${config.env.PORT} (docs at /docs)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`kplane api: failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
