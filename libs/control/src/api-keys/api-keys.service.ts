import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hashToken } from '../credentials/secret-box';
import { isUuid } from '../operations/operations.service';
import { decodeCursor, Page, PageRequest, pageLimit, toPage } from '../pagination/cursor';
import { canSeeTenant, Principal } from '../tenants/principal';
import { dnsLabelProblem } from '../tenants/resource-names';
import { TenantError } from '../tenants/tenants.errors';
import { TenantsRepository } from '../tenants/tenants.repository';
import { generateApiKeyToken, looksLikeApiKeyToken } from './api-key-token';
import { ApiKeyError } from './api-keys.errors';
import { ApiKeyRecord, ApiKeysRepository } from './api-keys.repository';

export interface CreatedApiKey {
  key: ApiKeyRecord;
  /** The only time the token exists outside the caller's hands; only its hash is stored. */
  token: string;
}

/** last_used_at is written at most once a minute per key. */
export const LAST_USED_RESOLUTION_SECONDS = 60;

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly keys: ApiKeysRepository,
  ) {}

  async create(principal: Principal, tenantName: string, command: { name: string }): Promise<CreatedApiKey> {
    const problem = dnsLabelProblem(command.name);
    if (problem) throw new ApiKeyError('API_KEY_INVALID', 'the API key is invalid', [{ field: 'name', message: `name ${problem}` }]);
    const tenant = await this.visibleTenant(principal, tenantName);
    if (tenant.phase === 'Deleting') throw new TenantError('TENANT_DELETING', `tenant "${tenant.name}" is being deleted`);
    const token = generateApiKeyToken();
    const key = await this.keys.insert({ id: randomUUID(), tenantId: tenant.id, name: command.name, tokenHash: hashToken(token) });
    return { key, token };
  }

  async list(principal: Principal, tenantName: string, page: PageRequest): Promise<Page<ApiKeyRecord>> {
    const limit = pageLimit(page);
    const afterName = page.cursor ? decodeCursor(page.cursor, 1)[0] : undefined;
    const tenant = await this.visibleTenant(principal, tenantName);
    return toPage(await this.keys.list(tenant.id, limit + 1, afterName), limit, (k) => [k.name]);
  }

  async revoke(principal: Principal, tenantName: string, id: string): Promise<void> {
    const tenant = await this.visibleTenant(principal, tenantName);
    const notFound = () => new ApiKeyError('API_KEY_NOT_FOUND', `API key "${id}" not found`);
    if (!isUuid(id)) throw notFound();
    if (!(await this.keys.revoke(tenant.id, id.toLowerCase()))) throw notFound();
  }

  /**
   * The principal of a tenant API key, or null when the token is no live key (unknown,
   * revoked, or its tenant is gone). Records last use at most once a minute.
   */
  async authenticate(token: string, now: Date = new Date()): Promise<Principal | null> {
    if (!looksLikeApiKeyToken(token)) return null;
    const key = await this.keys.findLiveByHash(hashToken(token));
    if (!key) return null;
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_SECONDS * 1000) {
      await this.keys.touch(key.id, LAST_USED_RESOLUTION_SECONDS);
    }
    return { kind: 'tenant', tenantId: key.tenantId, apiKeyId: key.id };
  }

  private async visibleTenant(principal: Principal, tenantName: string) {
    const tenant = await this.tenants.findByName(tenantName);
    if (!tenant || !canSeeTenant(principal, tenant.id)) throw TenantError.notFound(tenantName);
    return tenant;
  }
}
