import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase, TestDatabase } from '@kplane/testing';
import { DataSource } from 'typeorm';
import { controlDataSourceOptions, migrateControlSchema } from '../database/control-database';
import { CredentialsService } from './credentials.service';
import { hashToken, SecretBox } from './secret-box';

describe('CredentialsService.issueForOperation', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let credentials: CredentialsService;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateControlSchema(db.url);
    ds = await new DataSource(controlDataSourceOptions(db.url)).initialize();
    credentials = new CredentialsService(ds, new SecretBox(randomBytes(32)));
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const stored = (workspaceId: string) =>
    ds.query(`SELECT operation_id, token_hash, token_encrypted FROM kplane.credentials WHERE workspace_id = $1 ORDER BY created_at`, [workspaceId]);

  it('stores one token per operation, hashed and sealed, and hands the same one back when the operation runs again', async () => {
    const workspaceId = randomUUID();
    const operationId = randomUUID();
    const token = await credentials.issueForOperation(workspaceId, operationId);
    expect(token).toMatch(/^kpw_[A-Za-z0-9_-]{32}$/);
    expect(await credentials.issueForOperation(workspaceId, operationId)).toBe(token);

    const rows = await stored(workspaceId);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toBe(hashToken(token));
    expect(rows[0].token_encrypted).not.toContain(token);
  });

  it('gives every run of the same operation the one token when they race, and another operation a new token', async () => {
    const workspaceId = randomUUID();
    const operationId = randomUUID();
    const tokens = await Promise.all(Array.from({ length: 8 }, () => credentials.issueForOperation(workspaceId, operationId)));
    expect(new Set(tokens).size).toBe(1);
    expect(await stored(workspaceId)).toHaveLength(1);

    const rotated = await credentials.issueForOperation(workspaceId, randomUUID());
    expect(rotated).not.toBe(tokens[0]);
    expect(await stored(workspaceId)).toHaveLength(2);
  });
});
