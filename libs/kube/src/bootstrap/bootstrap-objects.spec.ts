import { bootstrapObjects, BOOTSTRAP_NAMESPACES } from './index';

describe('bootstrapObjects', () => {
  it('creates the four system namespaces, Active, with the name label and finalizer', () => {
    const now = new Date('2026-01-01T00:00:00.500Z');
    const all = bootstrapObjects(now);
    const objs = all.filter((o) => o.resource === 'namespaces');
    expect(objs.map((o) => o.object.metadata.name)).toEqual(BOOTSTRAP_NAMESPACES);
    for (const o of objs) {
      expect(o.resource).toBe('namespaces');
      expect(o.fields).toEqual({ 'status.phase': 'Active' });
      expect(o.object).toMatchObject({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { creationTimestamp: '2026-01-01T00:00:00Z', labels: { 'kubernetes.io/metadata.name': o.object.metadata.name } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      });
      expect(o.object.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(new Set(all.map((o) => o.object.metadata.uid)).size).toBe(8);
  });

  it('creates a default ServiceAccount in each system namespace', () => {
    const sas = bootstrapObjects().filter((o) => o.resource === 'serviceaccounts');
    expect(sas.map((o) => `${o.object.metadata.namespace}/${o.object.metadata.name}`)).toEqual(BOOTSTRAP_NAMESPACES.map((n) => `${n}/default`));
    expect(sas[0].object).toMatchObject({ apiVersion: 'v1', kind: 'ServiceAccount' });
    expect(sas[0].fields).toEqual({});
  });
});
