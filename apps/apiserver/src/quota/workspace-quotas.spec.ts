import { KubeStatusError } from '@kplane/kube';
import { quotaExceeded, workspaceRateLimit } from './workspace-quotas';

const configmaps = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true } as never;
const deployments = { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true } as never;

describe('quotaExceeded', () => {
  it('words the refusal like ResourceQuota admission', () => {
    const err = quotaExceeded(configmaps, 'x', { limit: 'objects', requested: 1, used: 10, limited: 10 }) as KubeStatusError;
    expect(err).toBeInstanceOf(KubeStatusError);
    expect(err.status).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message: 'configmaps "x" is forbidden: exceeded quota: kplane-tenant-quota, requested: count/objects=1, used: count/objects=10, limited: count/objects=10',
      details: { name: 'x', kind: 'configmaps' },
    });
    const storage = quotaExceeded(deployments, 'd', { limit: 'storageBytes', requested: 300, used: 900, limited: 1000 }) as KubeStatusError;
    expect(storage.status.message).toBe(
      'deployments.apps "d" is forbidden: exceeded quota: kplane-tenant-quota, requested: kplane.io/storage-bytes=300, used: kplane.io/storage-bytes=900, limited: kplane.io/storage-bytes=1000',
    );
  });
});

describe('workspaceRateLimit', () => {
  const defaults = () => ({ perSecond: 50, burst: 100 });
  const peek = (rps: number | null | undefined) => ({ peek: () => (rps === undefined ? undefined : { maxObjects: null, maxStorageBytes: null, maxRequestsPerSecond: rps }) });

  it('takes the lower of the quota and the server default, with a burst of twice the quota', () => {
    expect(workspaceRateLimit(defaults, peek(undefined))('w')).toEqual({ perSecond: 50, burst: 100 });
    expect(workspaceRateLimit(defaults, peek(null))('w')).toEqual({ perSecond: 50, burst: 100 });
    expect(workspaceRateLimit(defaults, peek(500))('w')).toEqual({ perSecond: 50, burst: 100 });
    expect(workspaceRateLimit(defaults, peek(10))('w')).toEqual({ perSecond: 10, burst: 20 });
    expect(workspaceRateLimit(() => ({ perSecond: 0, burst: 0 }), peek(10))('w')).toEqual({ perSecond: 10, burst: 20 });
  });
});
