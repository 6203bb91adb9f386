import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CredentialEntity } from './credential.entity';
import { generateWorkspaceToken, hashToken, SecretBox } from './secret-box';

/** Workspace bearer tokens: issued by operations, stored hashed and sealed, revoked on rotation or deletion. */
export class CredentialsService {
  constructor(private readonly ds: DataSource, private readonly box: SecretBox) {}

  /**
   * Issues the token that belongs to this operation. Running the same operation again
   * returns the token it already issued, so a retried job never leaves a second one behind.
   */
  async issueForOperation(workspaceId: string, operationId: string): Promise<string> {
    // One round trip: insert a new token unless this operation already has one, and read back
    // whichever is stored. The read sees the statement's snapshot, so a token a concurrent run
    // of the same operation committed meanwhile is read by the second query below.
    const token = generateWorkspaceToken();
    const rows: { token_encrypted: string }[] = await this.ds.query(
      `/* credentials.issue */ WITH issued AS (
         INSERT INTO kplane.credentials (id, workspace_id, operation_id, token_hash, token_encrypted)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (workspace_id, operation_id) DO NOTHING
         RETURNING token_encrypted)
       SELECT token_encrypted FROM issued
       UNION ALL
       SELECT token_encrypted FROM kplane.credentials WHERE workspace_id = $2 AND operation_id = $3
       LIMIT 1`,
      [randomUUID(), workspaceId, operationId, hashToken(token), this.box.encrypt(token)],
    );
    const sealed = rows[0]?.token_encrypted ?? (await this.ds.getRepository(CredentialEntity).findOneByOrFail({ workspaceId, operationId })).tokenEncrypted;
    return this.box.decrypt(sealed);
  }

  /** Revokes every token of the workspace except the one issued by `keepOperationId`. */
  async revokeOthers(workspaceId: string, keepOperationId: string): Promise<number> {
    const res = await this.ds.query(
      `UPDATE kplane.credentials SET revoked_at = now()
        WHERE workspace_id = $1 AND operation_id <> $2 AND revoked_at IS NULL`,
      [workspaceId, keepOperationId],
    );
    return res[1] ?? 0;
  }

  async revokeAll(workspaceId: string): Promise<void> {
    await this.ds.query(`UPDATE kplane.credentials SET revoked_at = now() WHERE workspace_id = $1 AND revoked_at IS NULL`, [workspaceId]);
  }

  async deleteAll(workspaceId: string): Promise<void> {
    await this.ds.query(`DELETE FROM kplane.credentials WHERE workspace_id = $1`, [workspaceId]);
  }

  /** The newest valid token, decrypted, for kubeconfig download; null when none is valid. */
  async currentToken(workspaceId: string): Promise<string | null> {
    const valid = await this.ds.query(
      `SELECT token_encrypted FROM kplane.credentials WHERE workspace_id = $1 AND revoked_at IS NULL
        ORDER BY created_at DESC LIMIT 1`,
      [workspaceId],
    );
    return valid[0] ? this.box.decrypt(valid[0].token_encrypted) : null;
  }
}
