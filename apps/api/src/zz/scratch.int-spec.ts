import { createTestDatabase } from '@kplane/testing';
import { startApi } from '../testing/api-harness';
it('handles', async () => {
  const db = await createTestDatabase();
  const before = process.getActiveResourcesInfo();
  const api = await startApi(db.url, { REDIS_URL: 'redis://127.0.0.1:1' });
  await api.request('POST', '/v1/tenants', { body: { name: 'x' } });
  await api.request('POST', '/v1/tenants/x/workspaces', { body: { name: 'x' } });
  await api.close();
  await db.drop();
  await new Promise((r) => setTimeout(r, 3000));
  console.log(before, process.getActiveResourcesInfo());
}, 20000);
