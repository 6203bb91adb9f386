import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The CA that signs API-server serving certificates; one row, shared by every replica. */
@Entity({ schema: 'kplane', name: 'cluster_ca' })
export class ClusterCaEntity {
  @PrimaryColumn('text')
  name: string;

  @Column('text', { name: 'cert_pem' })
  certPem: string;

  @Column('text', { name: 'key_encrypted' })
  keyEncrypted: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
