import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const OPERATION_TYPES = [
  'ProvisionWorkspace',
  'DeprovisionWorkspace',
  'RotateCredentials',
  'SuspendWorkspace',
  'ResumeWorkspace',
  'DeleteTenant',
] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];
export type OperationStatus = 'Queued' | 'Running' | 'Succeeded' | 'Failed';

@Entity({ schema: 'kplane', name: 'operations' })
export class OperationEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  type: OperationType;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  /** Kept as text so the operation still names its tenant and workspace after they are gone. */
  @Column('text', { name: 'tenant_name' })
  tenantName: string;

  @Column('uuid', { name: 'workspace_id', nullable: true })
  workspaceId: string | null;

  @Column('text', { name: 'workspace_name', nullable: true })
  workspaceName: string | null;

  @Column('text')
  status: OperationStatus;

  @Column('int', { default: 0 })
  attempts: number;

  @Column('text', { nullable: true })
  error: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
