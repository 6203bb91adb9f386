import { KubeStatusError } from '@kplane/kube';
import { parseKubePath, splitPath } from './request-path';

const ID = '0b6f4a34-7f9e-4c57-9a53-8c1f0f6f2a10';

describe('splitPath', () => {
  it('takes the workspace id from the /clusters/<id> prefix', () => {
    expect(splitPath(`/clusters/${ID}/api/v1/namespaces`)).toEqual({ workspaceId: ID, rest: ['api', 'v1', 'namespaces'] });
    expect(splitPath('/api/v1')).toEqual({ rest: ['api', 'v1'] });
  });

  it.each([
    [`/clusters/${ID}/api/v1/namespaces/..%2F..%2Fx/configmaps`, 400],
    [`/clusters/${ID}/api/v1/namespaces/../configmaps`, 400],
    [`/clusters/${ID}/api/v1/namespaces/%2e%2e/configmaps`, 400],
    [`/clusters/${ID}/api/v1/namespaces/%zz/configmaps`, 400],
    ['/clusters/not-a-uuid/api', 404],
    [`/clusters/${ID.toUpperCase()}/api`, 404],
    ['/clusters/', 404],
  ])('refuses %s with %d', (path, code) => {
    try {
      splitPath(path);
      throw new Error('expected an error');
    } catch (err) {
      expect(err).toBeInstanceOf(KubeStatusError);
      expect((err as KubeStatusError).status.code).toBe(code);
    }
  });
});

describe('parseKubePath', () => {
  it.each([
    [['version'], { kind: 'version' }],
    [['api'], { kind: 'api' }],
    [['api', 'v1'], { kind: 'group-version', group: '', version: 'v1' }],
    [['apis', 'rbac.authorization.k8s.io'], { kind: 'group', group: 'rbac.authorization.k8s.io' }],
    [['openapi', 'v2'], { kind: 'openapi-v2' }],
    [['api', 'v1', 'namespaces'], { kind: 'resource', group: '', version: 'v1', resource: 'namespaces', name: undefined, subresource: undefined }],
    [['api', 'v1', 'namespaces', 'demo'], { kind: 'resource', group: '', version: 'v1', resource: 'namespaces', name: 'demo', subresource: undefined }],
    [['api', 'v1', 'namespaces', 'demo', 'status'], { kind: 'resource', group: '', version: 'v1', resource: 'namespaces', name: 'demo', subresource: 'status' }],
    [['api', 'v1', 'namespaces', 'demo', 'finalize'], { kind: 'resource', group: '', version: 'v1', resource: 'namespaces', name: 'demo', subresource: 'finalize' }],
    [
      ['api', 'v1', 'namespaces', 'demo', 'configmaps', 'c1'],
      { kind: 'resource', group: '', version: 'v1', namespace: 'demo', resource: 'configmaps', name: 'c1', subresource: undefined },
    ],
    [
      ['apis', 'coordination.k8s.io', 'v1', 'namespaces', 'kube-node-lease', 'leases'],
      { kind: 'resource', group: 'coordination.k8s.io', version: 'v1', namespace: 'kube-node-lease', resource: 'leases', name: undefined, subresource: undefined },
    ],
    [['api', 'v1', 'configmaps'], { kind: 'resource', group: '', version: 'v1', resource: 'configmaps', name: undefined, subresource: undefined }],
  ])('%j', (rest, expected) => {
    expect(parseKubePath(rest as string[])).toEqual(expected);
  });

  it.each([[['api', 'v2']], [['nope']], [['api', 'v1', 'namespaces', 'a', 'configmaps', 'b', 'c', 'd']], [['version', 'x']]])('%j is unknown', (rest) => {
    expect(parseKubePath(rest as string[])).toBeNull();
  });
});
