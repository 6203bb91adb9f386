import { jsonShapeProblem, MAX_JSON_DEPTH } from './json-shape.middleware';

describe('jsonShapeProblem', () => {
  it('accepts ordinary bodies', () => {
    expect(jsonShapeProblem({ name: 'a', labels: { constructor: 'x' }, quota: { maxWorkspaces: 1 } })).toBeNull();
    expect(jsonShapeProblem(undefined)).toBeNull();
  });

  it('refuses __proto__ keys at any depth', () => {
    expect(jsonShapeProblem(JSON.parse('{"labels": {"__proto__": {"admin": "true"}}}'))).toMatch(/__proto__/);
    expect(jsonShapeProblem(JSON.parse('[{"a": [{"__proto__": 1}]}]'))).toMatch(/__proto__/);
  });

  it('refuses bodies nested too deep, without recursion', () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000));
    expect(jsonShapeProblem(deep)).toMatch(/nested deeper/);
    let ok: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH - 1; i++) ok = { a: ok };
    expect(jsonShapeProblem(ok)).toBeNull();
  });
});
