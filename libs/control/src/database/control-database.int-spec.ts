import { createTestDatabase, TestDatabase } from '@kplane/testing';
import { DataSource } from 'typeorm';
import { controlDataSourceOptions, controlPool, guardControlPool, migrateControlSchema } from './control-database';

describe('control database pool', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateControlSchema(db.url);
    ds = await new DataSource({ ...controlDataSourceOptions(db.url), extra: { max: 1 } }).initialize();
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('a TypeORM client whose session fails the moment the pool hands it out does not take the process down', async () => {
    const pool = controlPool(ds)!;
    expect(pool).toBeDefined();
    guardControlPool(ds);
    // A FATAL read together with the handshake is emitted before TypeORM attaches its listener;
    // the tick after the hand-over stands in for it (without the guard: an unhandled 'error').
    let failed = 0;
    const failOnce = (client: { emit(event: string, err: Error): boolean }) =>
      process.nextTick(() => {
        failed++;
        client.emit('error', new Error('terminating connection due to administrator command'));
      });
    pool.once('acquire', failOnce);
    expect(await ds.query(`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
    expect(failed).toBe(1);
  });
});
