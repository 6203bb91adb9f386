import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A workspace bearer token: a SHA-256 hash for checking, and an encrypted copy for kubeconfig download. */
@Entity({ schema: 'kplane', name: 'credentials' })
export class CredentialEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  /** The operation that issued it, so a re-run of that operation finds it instead of issuing another. */
  @Column('uuid', { name: 'operation_id' })
  operationId: string;

  @Column('text', { name: 'token_hash' })
  tokenHash: string;

  @Column('text', { name: 'token_encrypted' })
  tokenEncrypted: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
