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
    const repo = this.ds.getRepository(CredentialEntity);
    const existing = await repo.findOneBy({ workspaceId, operationId });
    if (existing) return this.box.decrypt(existing.tokenEncrypted);
    const token = generateWorkspaceToken();
    await repo
      .createQueryBuilder()
      .insert()
      .values({
        id: randomUUID(),
        workspaceId,
        operationId,
        tokenHash: hashToken(token),
        tokenEncrypted: this.box.encrypt(token),
        revokedAt: null,
      })
      .orIgnore()
      .execute();
    const row = await repo.findOneByOrFail({ workspaceId, operationId });
    return this.box.decrypt(row.tokenEncrypted);
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
