import { KubeStatusError } from '../status';
import { LabelRequirement } from './selector.types';
import { parseLabelSelector } from './label-selector-parser';

describe('parseLabelSelector', () => {
  const ok: [string, LabelRequirement[]][] = [
    ['', []],
    ['   ', []],
    ['a=b', [{ key: 'a', op: 'in', values: ['b'] }]],
    ['a==b', [{ key: 'a', op: 'in', values: ['b'] }]],
    ['a!=b', [{ key: 'a', op: 'notin', values: ['b'] }]],
    ['a=', [{ key: 'a', op: 'in', values: [''] }]],
    ['a!=', [{ key: 'a', op: 'notin', values: [''] }]],
    ['a', [{ key: 'a', op: 'exists' }]],
    ['!a', [{ key: 'a', op: 'notexists' }]],
    [' ! a ', [{ key: 'a', op: 'notexists' }]],
    ['a in (x,y)', [{ key: 'a', op: 'in', values: ['x', 'y'] }]],
    ['a in(x, y ,z)', [{ key: 'a', op: 'in', values: ['x', 'y', 'z'] }]],
    ['a notin (x)', [{ key: 'a', op: 'notin', values: ['x'] }]],
    ['a in (x,x)', [{ key: 'a', op: 'in', values: ['x'] }]],
    ['a in (x,)', [{ key: 'a', op: 'in', values: ['x', ''] }]],
    ['a in (,x)', [{ key: 'a', op: 'in', values: ['', 'x'] }]],
    ['a>1', [{ key: 'a', op: 'gt', value: 1 }]],
    ['a<-5', [{ key: 'a', op: 'lt', value: -5 }]],
    ['  a = b ,  c  ', [{ key: 'a', op: 'in', values: ['b'] }, { key: 'c', op: 'exists' }]],
    [
      'app.kubernetes.io/name=web,tier!=db,!legacy,env in (prod,staging)',
      [
        { key: 'app.kubernetes.io/name', op: 'in', values: ['web'] },
        { key: 'tier', op: 'notin', values: ['db'] },
        { key: 'legacy', op: 'notexists' },
        { key: 'env', op: 'in', values: ['prod', 'staging'] },
      ],
    ],
    ['a=in', [{ key: 'a', op: 'in', values: ['in'] }]],
    ['A_b.c-1=X_y.Z-9', [{ key: 'A_b.c-1', op: 'in', values: ['X_y.Z-9'] }]],
    ['a=b,a=c', [{ key: 'a', op: 'in', values: ['b'] }, { key: 'a', op: 'in', values: ['c'] }]],
    [`a=${'v'.repeat(63)}`, [{ key: 'a', op: 'in', values: ['v'.repeat(63)] }]],
    ['a\tin\n(b)', [{ key: 'a', op: 'in', values: ['b'] }]],
  ];
  it.each(ok)('parses %j', (s, want) => {
    expect(parseLabelSelector(s)).toEqual(want);
  });

  const bad: [string, RegExp][] = [
    ['a=b,', /identifier after ','/],
    [',a=b', /expected: !, identifier/],
    ['a=b c=d', /expected: ',' or 'end of string'/],
    ['a=b=c', /expected: ',' or 'end of string'/],
    ['a in ()', /can't be empty/],
    ['a in (x', /expected: ',', '\)' or identifier/],
    ['a in x', /expected: '\('/],
    ['a>b', /must be an integer/],
    ['a>', /must be an integer/],
    ['a>99999999999999999999', /out of range/],
    ['!a=b', /after '!a'/],
    ['!', /identifier after '!'/],
    ['a!b', /expected: in, notin/],
    ['=b', /expected: !, identifier/],
    ['-a=b', /key: Invalid value/],
    ['a=-b', /values\[0\]: Invalid value/],
    ['a="b"', /Invalid value/],
    ["a='b' OR 1=1", /Invalid value|expected/],
    ["a=b'; DROP TABLE objects; --", /Invalid value|expected/],
    ['a=b;c', /Invalid value/],
    ['naïve=1', /key: Invalid value/],
    ['a=ünïcode', /Invalid value/],
    ['a=💥', /Invalid value/],
    [`a=${'v'.repeat(64)}`, /no more than 63/],
    [`${'k'.repeat(64)}=v`, /name part must be no more than 63/],
    ['Example.com/a=b', /prefix part/],
    ['/a=b', /prefix part must be non-empty/],
    ['a/b/c=d', /qualified name/],
    ['a/=b', /name part must be non-empty/],
    ['in=b', /expected: !, identifier/],
    ['a in (b c)', /expected: ',' or '\)'/],
    ['a=(b)', /expected: identifier/],
  ];
  it.each(bad)('rejects %j as 400', (s, re) => {
    let err: unknown;
    try {
      parseLabelSelector(s);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KubeStatusError);
    expect((err as KubeStatusError).code).toBe(400);
    expect((err as KubeStatusError).message).toMatch(/^unable to parse requirement: /);
    expect((err as KubeStatusError).message).toMatch(re);
  });

  it('clips very long hostile input in the error message', () => {
    const s = `a=${'x'.repeat(100_000)}!`;
    let msg = '';
    try {
      parseLabelSelector(s);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/unable to parse requirement/);
    expect(msg.length).toBeLessThan(2000);
  });

  it('handles a very long valid selector quickly', () => {
    const s = Array.from({ length: 5000 }, (_, i) => `k${i}=v${i}`).join(',');
    const t = Date.now();
    expect(parseLabelSelector(s)).toHaveLength(5000);
    expect(Date.now() - t).toBeLessThan(2000);
  });
});
