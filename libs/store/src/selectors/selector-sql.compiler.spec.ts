import { SqlParams } from '../sql/sql-params';
import { compileFieldRequirement, compileLabelRequirement, compileSelectors } from './selector-sql.compiler';
import { FieldRequirement, LabelRequirement } from './selector-types';

// Golden SQL: any change to the generated text must be deliberate (and re-checked with EXPLAIN).
describe('label selector -> SQL', () => {
  const cases: [string, LabelRequirement, string, unknown[]][] = [
    ['k=v', { key: 'app', op: 'in', values: ['web'] }, 'labels @> $1::jsonb', ['{"app":"web"}']],
    ['k!=v', { key: 'app', op: 'notin', values: ['web'] }, 'NOT labels @> $1::jsonb', ['{"app":"web"}']],
    ['k in (a,b)', { key: 'app', op: 'in', values: ['a', 'b'] }, '(labels @> $1::jsonb OR labels @> $2::jsonb)', ['{"app":"a"}', '{"app":"b"}']],
    ['k in (a,a) dedups', { key: 'app', op: 'in', values: ['a', 'a'] }, 'labels @> $1::jsonb', ['{"app":"a"}']],
    ['k notin (a,b)', { key: 'app', op: 'notin', values: ['a', 'b'] }, 'NOT (labels @> $1::jsonb OR labels @> $2::jsonb)', ['{"app":"a"}', '{"app":"b"}']],
    ['k in ()', { key: 'app', op: 'in', values: [] }, 'false', []],
    ['k notin ()', { key: 'app', op: 'notin', values: [] }, 'NOT false', []],
    ['k', { key: 'app', op: 'exists' }, 'labels ? $1', ['app']],
    ['!k', { key: 'app', op: 'notexists' }, 'NOT (labels ? $1)', ['app']],
    [
      'k>5',
      { key: 'n', op: 'gt', value: 5 },
      "(labels ? $1 AND CASE WHEN (labels ->> $1) ~ '^[+-]?[0-9]{1,30}$' THEN (labels ->> $1)::numeric > $2::numeric ELSE false END)",
      ['n', '5'],
    ],
    [
      'k<5',
      { key: 'n', op: 'lt', value: 5 },
      "(labels ? $1 AND CASE WHEN (labels ->> $1) ~ '^[+-]?[0-9]{1,30}$' THEN (labels ->> $1)::numeric < $2::numeric ELSE false END)",
      ['n', '5'],
    ],
    ['hostile key/value stay in params', { key: `a'b"; --`, op: 'in', values: [`x') OR 1=1 --`] }, 'labels @> $1::jsonb', [JSON.stringify({ [`a'b"; --`]: `x') OR 1=1 --` })]],
  ];
  it.each(cases)('%s', (_t, req, sql, values) => {
    const p = new SqlParams();
    expect(compileLabelRequirement(req, p)).toBe(sql);
    expect(p.values).toEqual(values);
  });
});

describe('field selector -> SQL', () => {
  const cases: [string, FieldRequirement, string, unknown[]][] = [
    ['metadata.name=', { field: 'metadata.name', op: 'eq', value: 'a' }, 'name = $1', ['a']],
    ['metadata.name!=', { field: 'metadata.name', op: 'neq', value: 'a' }, 'name <> $1', ['a']],
    ['metadata.namespace=', { field: 'metadata.namespace', op: 'eq', value: 'n' }, 'namespace = $1', ['n']],
    ['metadata.namespace!=', { field: 'metadata.namespace', op: 'neq', value: 'n' }, 'namespace <> $1', ['n']],
    ['type=Opaque', { field: 'type', op: 'eq', value: 'Opaque' }, 'fields @> $1::jsonb', ['{"type":"Opaque"}']],
    ['type!=Opaque (missing matches)', { field: 'type', op: 'neq', value: 'Opaque' }, 'NOT (fields @> $1::jsonb)', ['{"type":"Opaque"}']],
    ['type= (missing reads as "")', { field: 'type', op: 'eq', value: '' }, '(fields @> $1::jsonb OR NOT (fields ? $2))', ['{"type":""}', 'type']],
    ['type!=', { field: 'type', op: 'neq', value: '' }, 'NOT (fields @> $1::jsonb OR NOT (fields ? $2))', ['{"type":""}', 'type']],
  ];
  it.each(cases)('%s', (_t, req, sql, values) => {
    const p = new SqlParams();
    expect(compileFieldRequirement(req, p)).toBe(sql);
    expect(p.values).toEqual(values);
  });

  it('ANDs labels then fields, numbering parameters after earlier ones', () => {
    const p = new SqlParams();
    p.add('configmaps');
    expect(compileSelectors([{ key: 'a', op: 'exists' }], [{ field: 'metadata.name', op: 'eq', value: 'x' }], p)).toEqual(['labels ? $2', 'name = $3']);
    expect(compileSelectors(undefined, undefined, p)).toEqual([]);
  });
});

describe('malformed requirements', () => {
  it('refuses an unknown label operator instead of emitting broken SQL', () => {
    expect(() => compileLabelRequirement({ key: 'a', op: 'eq', value: 'b' } as unknown as LabelRequirement, new SqlParams())).toThrow(
      expect.objectContaining({ code: 'STORE_INVALID_NAME' }),
    );
  });
});
