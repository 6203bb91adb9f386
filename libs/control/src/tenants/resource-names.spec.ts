import { dnsLabelProblem, isDnsLabel, labelProblems } from './resource-names';

describe('dnsLabelProblem', () => {
  it.each(['a', 'acme', 'a-b', '0', 'a1-2b', 'a'.repeat(63)])('accepts %p', (name) => {
    expect(dnsLabelProblem(name)).toBeNull();
    expect(isDnsLabel(name)).toBe(true);
  });

  it.each([
    [undefined, 'is required'],
    [null, 'is required'],
    [42, 'must be a string'],
    ['', 'must not be empty'],
    ['a'.repeat(64), 'at most 63'],
    ['Acme', 'lower case'],
    ['-a', 'lower case'],
    ['a-', 'lower case'],
    ['a_b', 'lower case'],
    ['a.b', 'lower case'],
    ['ä', 'lower case'],
  ])('rejects %p', (name, problem) => {
    expect(dnsLabelProblem(name)).toContain(problem);
  });
});

describe('labelProblems', () => {
  it('accepts Kubernetes labels', () => {
    expect(labelProblems({})).toEqual([]);
    expect(labelProblems({ tier: 'gold', 'example.com/team': 'a_b.c-d', empty: '' })).toEqual([]);
  });

  it('reports bad keys, values and shapes', () => {
    expect(labelProblems([])).toHaveLength(1);
    expect(labelProblems(null)).toHaveLength(1);
    expect(labelProblems({ 'bad key': 'x' })).toHaveLength(1);
    expect(labelProblems({ '/x': 'x' })).toHaveLength(1);
    expect(labelProblems({ k: 5 })).toHaveLength(1);
    expect(labelProblems({ k: '-x' })).toHaveLength(1);
    expect(labelProblems({ k: 'a'.repeat(64) })).toHaveLength(1);
  });
});
