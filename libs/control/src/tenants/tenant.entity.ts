import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type TenantPhase = 'Active' | 'Deleting';

export interface Quota {
  maxWorkspaces: number | null;
  maxObjectsPerWorkspace: number | null;
  maxStorageBytesPerWorkspace: number | null;
  maxRequestsPerSecondPerWorkspace: number | null;
}

export const UNLIMITED_QUOTA: Quota = {
  maxWorkspaces: null,
  maxObjectsPerWorkspace: null,
  maxStorageBytesPerWorkspace: null,
  maxRequestsPerSecondPerWorkspace: null,
};

@Entity({ schema: 'kplane', name: 'tenants' })
export class TenantEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text', { name: 'display_name', nullable: true })
  displayName: string | null;

  @Column('jsonb', { default: () => `'{}'` })
  labels: Record<string, string>;

  @Column('text')
  phase: TenantPhase;

  @Column('jsonb')
  quota: Quota;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
