import { findResource } from '../resources';
import { listKindOf, toListObject } from './index';

describe('toListObject', () => {
  const cm = findResource('', 'v1', 'configmaps')!;
  const lease = findResource('coordination.k8s.io', 'v1', 'leases')!;

  it('builds a plain list', () => {
    expect(toListObject(cm, [{ a: 1 }], { resourceVersion: '42' })).toEqual({
      kind: 'ConfigMapList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '42' },
      items: [{ a: 1 }],
    });
  });

  it('adds continue and remainingItemCount only when there is more', () => {
    expect(toListObject(lease, [], { resourceVersion: '1', continue: 'tok', remainingItemCount: 3 })).toEqual({
      kind: 'LeaseList',
      apiVersion: 'coordination.k8s.io/v1',
      metadata: { resourceVersion: '1', continue: 'tok', remainingItemCount: 3 },
      items: [],
    });
    expect(toListObject(cm, [], { resourceVersion: '1', continue: '', remainingItemCount: 0 }).metadata).toEqual({ resourceVersion: '1' });
  });

  it('listKindOf uses listKind, else Kind+List', () => {
    expect(listKindOf(cm)).toBe('ConfigMapList');
    expect(listKindOf({ kind: 'Widget', listKind: '' })).toBe('WidgetList');
  });
});
