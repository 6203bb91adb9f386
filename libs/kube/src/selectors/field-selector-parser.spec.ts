import { KubeStatusError } from '../status';
import { escapeFieldValue, parseFieldSelector } from './field-selector-parser';
import { FieldRequirement } from './selector.types';

describe('parseFieldSelector', () => {
  const ok: [string, FieldRequirement[]][] = [
    ['', []],
    ['metadata.name=c1', [{ field: 'metadata.name', op: 'eq', value: 'c1' }]],
    ['metadata.name==c1', [{ field: 'metadata.name', op: 'eq', value: 'c1' }]],
    ['metadata.name!=c1', [{ field: 'metadata.name', op: 'neq', value: 'c1' }]],
    ['metadata.namespace=', [{ field: 'metadata.namespace', op: 'eq', value: '' }]],
    [
      'involvedObject.name=c1,involvedObject.namespace=demo,involvedObject.kind=ConfigMap,involvedObject.uid=1-2',
      [
        { field: 'involvedObject.name', op: 'eq', value: 'c1' },
        { field: 'involvedObject.namespace', op: 'eq', value: 'demo' },
        { field: 'involvedObject.kind', op: 'eq', value: 'ConfigMap' },
        { field: 'involvedObject.uid', op: 'eq', value: '1-2' },
      ],
    ],
    ['a=x\\,y', [{ field: 'a', op: 'eq', value: 'x,y' }]],
    ['a=x\\=y', [{ field: 'a', op: 'eq', value: 'x=y' }]],
    ['a=x\\\\y', [{ field: 'a', op: 'eq', value: 'x\\y' }]],
    ['a=x\\\\,b=y', [{ field: 'a', op: 'eq', value: 'x\\' }, { field: 'b', op: 'eq', value: 'y' }]],
    ['a=b,,c=d', [{ field: 'a', op: 'eq', value: 'b' }, { field: 'c', op: 'eq', value: 'd' }]],
    [' a =b', [{ field: 'a', op: 'eq', value: 'b' }]],
    ['a= b ', [{ field: 'a', op: 'eq', value: ' b ' }]],
    ["type=kubernetes.io/service-account-token", [{ field: 'type', op: 'eq', value: 'kubernetes.io/service-account-token' }]],
    ["a=' OR 1=1 --".replace('1=1', '1\\=1'), [{ field: 'a', op: 'eq', value: "' OR 1=1 --" }]],
    ['a=ünï💥"', [{ field: 'a', op: 'eq', value: 'ünï💥"' }]],
    ['a!==b'.replace('==', '=\\='), [{ field: 'a', op: 'neq', value: '=b' }]],
  ];
  it.each(ok)('parses %j', (s, want) => {
    expect(parseFieldSelector(s)).toEqual(want);
  });

  const bad: string[] = ['a', 'a,b=c', '=b', 'a=b=c', 'a=x\\y', 'a in (b)', 'a>1', "a=1'; DROP TABLE x; --=", 'a=b\\'];
  it.each(bad)('rejects %j as 400', (s) => {
    let err: unknown;
    try {
      parseFieldSelector(s);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KubeStatusError);
    expect((err as KubeStatusError).code).toBe(400);
    expect((err as KubeStatusError).message).toMatch(/^invalid field selector: /);
  });

  it('round-trips escaped values', () => {
    for (const v of ['a,b', 'x=y', 'back\\slash', ',=\\', '']) {
      expect(parseFieldSelector(`f=${escapeFieldValue(v)}`)).toEqual([{ field: 'f', op: 'eq', value: v }]);
    }
  });

  it('parses a very long value', () => {
    const v = 'x'.repeat(100_000);
    expect(parseFieldSelector(`f=${v}`)[0].value).toHaveLength(100_000);
  });
});
