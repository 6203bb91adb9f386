import { parseFieldSelector } from '../selectors';
import { toTable } from '../table';
import { checkFieldSelector, fieldValuesOf, findResource, findResourceByKind } from './index';

describe('events.k8s.io/v1 events', () => {
  const rt = findResource('events.k8s.io', 'v1', 'events')!;
  const ev = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'e1', namespace: 'demo', creationTimestamp: '2024-01-01T00:00:00Z' },
    eventTime: '2024-01-01T00:00:00.000000Z',
    regarding: { kind: 'ConfigMap', namespace: 'demo', name: 'c1', uid: 'u1', apiVersion: 'v1', resourceVersion: '5', fieldPath: 'data' },
    reason: 'Created',
    reportingController: 'kplane/ctrl',
    reportingInstance: 'i1',
    note: 'made it',
    type: 'Normal',
  };

  it('is a namespaced resource with the short name ev and no categories', () => {
    expect(rt).toMatchObject({ kind: 'Event', listKind: 'EventList', namespaced: true, shortNames: ['ev'], categories: [] });
    expect(findResourceByKind('events.k8s.io', 'v1', 'Event')).toBe(rt);
    expect(findResourceByKind('', 'v1', 'Event')?.group).toBe('');
  });

  it('selects on the events.k8s.io field names', () => {
    expect(fieldValuesOf(rt, ev)).toEqual({
      'regarding.kind': 'ConfigMap',
      'regarding.namespace': 'demo',
      'regarding.name': 'c1',
      'regarding.uid': 'u1',
      'regarding.apiVersion': 'v1',
      'regarding.resourceVersion': '5',
      'regarding.fieldPath': 'data',
      reason: 'Created',
      reportingController: 'kplane/ctrl',
      source: 'kplane/ctrl',
      type: 'Normal',
    });
    expect(fieldValuesOf(rt, { ...ev, deprecatedSource: { component: 'kubelet' } }).source).toBe('kubelet');
    expect(() => checkFieldSelector(rt, parseFieldSelector('regarding.name=c1,reportingController=x,type=Normal,metadata.name=e1'))).not.toThrow();
    expect(() => checkFieldSelector(rt, parseFieldSelector('involvedObject.name=c1'))).toThrow('field label not supported: involvedObject.name');
  });

  it('prints the event columns from the events.k8s.io fields', () => {
    const t = toTable(rt, [{ ...ev, series: { count: 3, lastObservedTime: '2024-01-01T00:05:00.000000Z' } }], { now: new Date('2024-01-01T00:10:00Z') }) as unknown as {
      columnDefinitions: { name: string; priority: number }[];
      rows: { cells: unknown[] }[];
    };
    expect(t.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).toEqual(['Last Seen', 'Type', 'Reason', 'Object', 'Message']);
    const byName = Object.fromEntries(t.columnDefinitions.map((c, i) => [c.name, t.rows[0].cells[i]]));
    expect(byName).toMatchObject({ 'Last Seen': '5m', Type: 'Normal', Reason: 'Created', Object: 'configmap/c1', Message: 'made it', Count: '3', Source: 'kplane/ctrl', Name: 'e1' });
  });
});
