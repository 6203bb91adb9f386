import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type WorkspacePhase = 'Pending' | 'Provisioning' | 'Ready' | 'Suspended' | 'Deleting' | 'Failed';

@Entity({ schema: 'kplane', name: 'workspaces' })
export class WorkspaceEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('text')
  name: string;

  @Column('text', { name: 'display_name', nullable: true })
  displayName: string | null;

  @Column('jsonb', { default: () => `'{}'` })
  labels: Record<string, string>;

  @Column('text')
  phase: WorkspacePhase;

  @Column('text', { default: '' })
  message: string;

  @Column('text')
  shard: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'ready_at', nullable: true })
  readyAt: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
