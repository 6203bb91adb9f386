import { conflict, expired, internalError, KubeStatusError, notFound, alreadyExists, badRequest, serviceUnavailable, ResourceType } from '@kplane/kube';
import { StoreError, StoreErrorCode } from '@kplane/store';
import { quotaExceeded } from '../quota/workspace-quotas';

/** Store errors become Kubernetes Status errors here and nowhere else (exhaustive on purpose). */
export function toKubeError(err: unknown, rt: ResourceType, name: string): unknown {
  if (!(err instanceof StoreError)) return err;
  const code: StoreErrorCode = err.code;
  switch (code) {
    case 'STORE_NOT_FOUND':
      return notFound(rt.resource, rt.group, name);
    case 'STORE_ALREADY_EXISTS':
      return alreadyExists(rt.resource, rt.group, name);
    case 'STORE_CONFLICT':
      return conflict(rt.resource, rt.group, name);
    case 'STORE_EXPIRED':
      return expired('the provided continue parameter is too old to display a consistent list result');
    case 'STORE_INVALID_CONTINUE':
      return badRequest('invalid continue token');
    case 'STORE_UNAVAILABLE':
      return serviceUnavailable('the storage backend is unavailable', 1);
    case 'STORE_INVALID_NAME':
      return internalError('invalid workspace');
    case 'STORE_QUOTA_EXCEEDED':
      return quotaExceeded(rt, name, err.quota);
    default: {
      const unreachable: never = code;
      return unreachable;
    }
  }
}

export async function translated<T>(rt: ResourceType, name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toKubeError(err, rt, name);
  }
}

export { KubeStatusError };
