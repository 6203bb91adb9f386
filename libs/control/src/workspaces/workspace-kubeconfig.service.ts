import { Inject, Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { ClusterCaEntity } from '../certificates/cluster-ca.entity';
import { CredentialEntity } from '../credentials/credential.entity';
import { SecretBox } from '../credentials/secret-box';
import { Principal } from '../tenants/principal';
import { APISERVER_BASE_URL, kubeconfigContextName, workspaceEndpoint } from './workspace-endpoint';
import { WorkspaceError } from './workspaces.errors';
import { WorkspacesService } from './workspaces.service';

/** The CA row that signs API-server serving certificates. */
export const APISERVER_CA_NAME = 'apiserver';

/** Everything a kubeconfig needs; rendering it (YAML) is the caller's business. */
export interface KubeconfigMaterial {
  contextName: string;
  server: string;
  caCertPem: string;
  token: string;
}

@Injectable()
export class WorkspaceKubeconfigService {
  /** The CA certificate, once stored: it is written once (ensureCa) and never changes. */
  private caCertPem: string | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly workspaces: WorkspacesService,
    private readonly secretBox: SecretBox,
    @Inject(APISERVER_BASE_URL) private readonly apiserverBaseUrl: string,
  ) {}

  /** Only for Ready workspaces: the CA, the endpoint and the newest non-revoked token. */
  async material(principal: Principal, tenantName: string, name: string): Promise<KubeconfigMaterial> {
    const ws = await this.workspaces.get(principal, tenantName, name);
    if (ws.phase !== 'Ready') {
      throw new WorkspaceError('WORKSPACE_NOT_READY', `workspace "${name}" is ${ws.phase}; its kubeconfig is available once it is Ready`);
    }
    const credential = await this.dataSource.getRepository(CredentialEntity).findOne({
      where: { workspaceId: ws.id, revokedAt: IsNull() },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
    if (!credential) throw new WorkspaceError('WORKSPACE_CREDENTIALS_MISSING', `workspace "${name}" has no credentials yet`);
    const caCertPem = await this.caCertificate();
    return {
      contextName: kubeconfigContextName(tenantName, ws.name),
      server: workspaceEndpoint(this.apiserverBaseUrl, ws.id),
      caCertPem,
      token: this.secretBox.decrypt(credential.tokenEncrypted),
    };
  }

  private async caCertificate(): Promise<string> {
    if (this.caCertPem) return this.caCertPem;
    const ca = await this.dataSource.getRepository(ClusterCaEntity).findOneBy({ name: APISERVER_CA_NAME });
    if (!ca) throw new WorkspaceError('CLUSTER_CA_MISSING', 'the API server certificate authority has not been created yet');
    this.caCertPem = ca.certPem;
    return ca.certPem;
  }
}
