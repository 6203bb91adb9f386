import { ApiKeyRecord } from '@kplane/control';

export interface ApiKeyResponse {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export function toApiKeyResponse(key: ApiKeyRecord): ApiKeyResponse {
  return { id: key.id, name: key.name, createdAt: key.createdAt.toISOString(), lastUsedAt: key.lastUsedAt ? key.lastUsedAt.toISOString() : null };
}
