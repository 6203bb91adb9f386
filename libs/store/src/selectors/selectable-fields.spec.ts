import { SqlParams } from '../sql/sql-params';
import { isStoreError } from '../store.errors';
import { checkFieldPaths, pathLiteral, selectableFieldExpr, selectableFieldIndexName } from './selectable-fields';
import { compileFieldRequirement } from './selector-sql.compiler';

describe('selectable fields', () => {
  it('builds the path literal with quoted elements (null stays a string)', () => {
    expect(pathLiteral(['spec', 'size'])).toBe(`'{"spec","size"}'::text[]`);
    expect(pathLiteral(['spec', 'null'])).toBe(`'{"spec","null"}'::text[]`);
    expect(selectableFieldExpr(['spec', 'size'])).toBe(`coalesce(body #>> '{"spec","size"}'::text[], '')`);
  });

  it('names indexes deterministically per resource and path', () => {
    const a = selectableFieldIndexName('widgets.example.com', ['spec', 'size']);
    expect(a).toMatch(/^objects_sf_[0-9a-f]{20}$/);
    expect(selectableFieldIndexName('widgets.example.com', ['spec', 'size'])).toBe(a);
    expect(selectableFieldIndexName('gadgets.example.com', ['spec', 'size'])).not.toBe(a);
    expect(selectableFieldIndexName('widgets.example.com', ['spec', 'color'])).not.toBe(a);
  });

  it.each([
    [["spec", "a'b"]],
    [['spec', 'a,b']],
    [['spec', 'a"b']],
    [['spec', 'a}']],
    [['spec', '']],
    [[]],
    [['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']],
    [['spec', 5 as unknown as string]],
    ['spec.size' as unknown as string[]],
  ])('rejects hostile path %j', (path) => {
    expect(() => pathLiteral(path)).toThrow(expect.objectContaining({ code: 'STORE_INVALID_NAME' }));
    let err: unknown;
    try {
      checkFieldPaths({ f: path });
    } catch (e) {
      err = e;
    }
    expect(isStoreError(err, 'STORE_INVALID_NAME')).toBe(true);
  });

  it.each(["widgets'; DROP TABLE x; --", 'Widgets', '', 'a'.repeat(254), 'a b', 'a_b'])('rejects hostile resource %j', (r) => {
    expect(() => selectableFieldIndexName(r, ['spec'])).toThrow(expect.objectContaining({ code: 'STORE_INVALID_NAME' }));
  });

  it('compiles a declared field to the indexed expression, value as a parameter', () => {
    const p = new SqlParams();
    const paths = { 'spec.size': ['spec', 'size'] };
    expect(compileFieldRequirement({ field: 'spec.size', op: 'eq', value: '5' }, p, undefined, paths)).toBe(`coalesce(body #>> '{"spec","size"}'::text[], '') = $1`);
    expect(compileFieldRequirement({ field: 'spec.size', op: 'neq', value: '' }, p, undefined, paths)).toBe(`coalesce(body #>> '{"spec","size"}'::text[], '') <> $2`);
    expect(p.values).toEqual(['5', '']);
    // Undeclared fields still use the fields column; inherited keys are not declarations.
    expect(compileFieldRequirement({ field: 'constructor', op: 'eq', value: 'x' }, new SqlParams(), undefined, paths)).toBe('fields @> $1::jsonb');
    expect(compileFieldRequirement({ field: 'metadata.name', op: 'eq', value: 'x' }, new SqlParams(), undefined, { 'metadata.name': ['x'] })).toBe('name = $1');
  });
});
