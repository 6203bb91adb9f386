import { compileCrdSchema, declaresDefaults } from './compiled-crd-schema';
import { widget, widgetSchema } from './crd-schema.fixtures';

const target = { kind: 'Widget', group: 'example.com', version: 'v1' };
const compiled = compileCrdSchema(widgetSchema(), target);

describe('compileCrdSchema validate', () => {
  it('accepts a valid object', () => {
    expect(
      compiled.validate(
        widget({
          replicas: 3,
          ratio: 1.5,
          name: 'abc',
          created: '2024-01-02T03:04:05Z',
          timeout: '1h30m',
          id: '123e4567-e89b-12d3-a456-426614174000',
          data: 'aGVsbG8=',
          weird: 'anything',
          count32: 99999999999,
          port: 'http',
          note: null,
          tags: ['a'],
          labels: { a: 'b' },
          config: { anything: { goes: true }, level: 2 },
          template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} },
          containers: [{ name: 'a' }, { name: 'b' }],
          set: ['a', 'b'],
        }),
      ),
    ).toEqual([]);
  });

  const cases: Array<[string, Record<string, unknown>, Array<{ field: string; reason: string; message: string }>]> = [
    [
      'type integer',
      { replicas: 'string' },
      [{ field: 'spec.replicas', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"' }],
    ],
    [
      'type integer with a float',
      { replicas: 1.5 },
      [{ field: 'spec.replicas', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "number": spec.replicas in body must be of type integer: "number"' }],
    ],
    [
      'type boolean',
      { enabled: 'yes' },
      [{ field: 'spec.enabled', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "string": spec.enabled in body must be of type boolean: "string"' }],
    ],
    [
      'null for a non-nullable field',
      { name: null },
      [{ field: 'spec.name', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "null": spec.name in body must be of type string: "null"' }],
    ],
    [
      'enum',
      { size: 'huge' },
      [{ field: 'spec.size', reason: 'FieldValueNotSupported', message: 'Unsupported value: "huge": supported values: "small", "medium"' }],
    ],
    [
      'maximum',
      { replicas: 11 },
      [{ field: 'spec.replicas', reason: 'FieldValueInvalid', message: 'Invalid value: 11: spec.replicas in body should be less than or equal to 10' }],
    ],
    [
      'minimum',
      { replicas: -1 },
      [{ field: 'spec.replicas', reason: 'FieldValueInvalid', message: 'Invalid value: -1: spec.replicas in body should be greater than or equal to 0' }],
    ],
    [
      'exclusive minimum',
      { ratio: 0 },
      [{ field: 'spec.ratio', reason: 'FieldValueInvalid', message: 'Invalid value: 0: spec.ratio in body should be greater than 0' }],
    ],
    [
      'multipleOf',
      { ratio: 0.7 },
      [{ field: 'spec.ratio', reason: 'FieldValueInvalid', message: 'Invalid value: 0.7: spec.ratio in body should be a multiple of 0.5' }],
    ],
    [
      'pattern',
      { name: 'AB' },
      [{ field: 'spec.name', reason: 'FieldValueInvalid', message: "Invalid value: \"AB\": spec.name in body should match '^[a-z]+$'" }],
    ],
    [
      'minLength',
      { name: 'a' },
      [{ field: 'spec.name', reason: 'FieldValueInvalid', message: 'Invalid value: "a": spec.name in body should be at least 2 chars long' }],
    ],
    ['maxLength', { name: 'abcdef' }, [{ field: 'spec.name', reason: 'FieldValueTooLong', message: 'Too long: may not be more than 5 bytes' }]],
    ['minItems', { tags: [] }, [{ field: 'spec.tags', reason: 'FieldValueInvalid', message: 'Invalid value: []: spec.tags in body should have at least 1 items' }]],
    ['maxItems', { tags: ['a', 'b', 'c', 'd'] }, [{ field: 'spec.tags', reason: 'FieldValueTooMany', message: 'Too many: 4: must have at most 3 items' }]],
    [
      'array item type',
      { tags: ['a', 2] },
      [{ field: 'spec.tags[1]', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "integer": spec.tags[1] in body must be of type string: "integer"' }],
    ],
    [
      'map value type',
      { labels: { a: 1 } },
      [{ field: 'spec.labels.a', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "integer": spec.labels.a in body must be of type string: "integer"' }],
    ],
    [
      'format date-time',
      { created: 'yesterday' },
      [{ field: 'spec.created', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "yesterday": spec.created in body must be of type date-time: "yesterday"' }],
    ],
    [
      'format duration',
      { timeout: 'soon' },
      [{ field: 'spec.timeout', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "soon": spec.timeout in body must be of type duration: "soon"' }],
    ],
    [
      'format uuid',
      { id: 'nope' },
      [{ field: 'spec.id', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "nope": spec.id in body must be of type uuid: "nope"' }],
    ],
    [
      'format byte',
      { data: '!!!' },
      [{ field: 'spec.data', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "!!!": spec.data in body must be of type byte: "!!!"' }],
    ],
    [
      'int-or-string',
      { port: true },
      [{ field: 'spec.port', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"' }],
    ],
    [
      'nested array object field',
      { containers: [{ name: 'a', ports: [{ port: 70000 }] }] },
      [
        {
          field: 'spec.containers[0].ports[0].port',
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 70000: spec.containers[0].ports[0].port in body should be less than or equal to 65535',
        },
      ],
    ],
    ['required in array items', { containers: [{ image: 'x' }] }, [{ field: 'spec.containers[0].name', reason: 'FieldValueRequired', message: 'Required value' }]],
    [
      'typed field under preserve-unknown-fields',
      { config: { level: 'high', other: 1 } },
      [{ field: 'spec.config.level', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "string": spec.config.level in body must be of type integer: "string"' }],
    ],
    [
      'embedded resource needs apiVersion and kind',
      { template: { metadata: {} } },
      [
        { field: 'spec.template.apiVersion', reason: 'FieldValueRequired', message: 'Required value: must not be empty' },
        { field: 'spec.template.kind', reason: 'FieldValueRequired', message: 'Required value: must not be empty' },
      ],
    ],
    ['list-type set duplicates', { set: ['a', 'a'] }, [{ field: 'spec.set[1]', reason: 'FieldValueDuplicate', message: 'Duplicate value: "a"' }]],
    [
      'list-type map duplicate keys',
      { containers: [{ name: 'a' }, { name: 'a' }] },
      [{ field: 'spec.containers[1]', reason: 'FieldValueDuplicate', message: 'Duplicate value: {"name":"a"}' }],
    ],
  ];

  it.each(cases)('%s', (_name, spec, want) => {
    expect(compiled.validate(widget(spec))).toEqual(want);
  });

  it('reports a missing required field', () => {
    expect(compiled.validate({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: {} })).toEqual([
      { field: 'spec.size', reason: 'FieldValueRequired', message: 'Required value' },
    ]);
  });

  it('gives one cause per field and one per violated field', () => {
    // minLength and pattern both fail on spec.name; replicas fails its type.
    const causes = compiled.validate(widget({ name: 'A', replicas: 'x', size: 'huge' }));
    expect(causes.map((c) => c.field)).toEqual(['spec.replicas', 'spec.size', 'spec.name']);
  });

  it('validates metadata.name when the schema constrains it', () => {
    const causes = compiled.validate({ ...widget({}), metadata: { name: 'Bad_Name' } });
    expect(causes).toEqual([
      { field: 'metadata.name', reason: 'FieldValueInvalid', message: "Invalid value: \"Bad_Name\": metadata.name in body should match '^[a-z][-a-z0-9]*$'" },
    ]);
  });

  it('ignores unknown formats and does not range-check numeric formats', () => {
    expect(compiled.validate(widget({ weird: '%%%', count32: 2 ** 40 }))).toEqual([]);
  });

  it('handles anyOf without reporting the branch errors', () => {
    const c = compileCrdSchema(
      {
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: { a: { type: 'string' }, b: { type: 'string' } },
            anyOf: [{ required: ['a'] }, { required: ['b'] }],
          },
        },
      },
      target,
    );
    expect(c.validate({ spec: { a: 'x' } })).toEqual([]);
    expect(c.validate({ spec: {} })).toEqual([
      { field: 'spec', reason: 'FieldValueInvalid', message: 'Invalid value: {}: spec in body must validate at least one schema (anyOf)' },
    ]);
  });

  it('accepts Go-only pattern syntax it can translate and patterns invalid in unicode mode', () => {
    const c = compileCrdSchema(
      { type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'string', pattern: '(?i)^abc$' }, b: { type: 'string', pattern: '^[a-z\\_]+$' } } } } },
      target,
    );
    expect(c.validate({ spec: { a: 'ABC', b: 'a_b' } })).toEqual([]);
    expect(c.validate({ spec: { a: 'abd' } }).map((x) => x.field)).toEqual(['spec.a']);
  });

  it('does not mutate its inputs', () => {
    const obj = widget({ extra: 1 });
    const copy = structuredClone(obj);
    compiled.prune(obj);
    compiled.applyDefaults(obj);
    compiled.validate(obj);
    expect(obj).toEqual(copy);
  });
});

describe('compileCrdSchema prune', () => {
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>, string[]]> = [
    ['top-level spec field', { foo: 1 }, {}, ['spec.foo']],
    ['nested object field', { nested: { inner: { level: 'a', bogus: true } } }, { nested: { inner: { level: 'a' } } }, ['spec.nested.inner.bogus']],
    [
      'inside array items',
      { containers: [{ name: 'a', junk: 1, ports: [{ port: 1, x: 2 }] }] },
      { containers: [{ name: 'a', ports: [{ port: 1 }] }] },
      ['spec.containers[0].junk', 'spec.containers[0].ports[0].x'],
    ],
    ['map values keep their keys', { labels: { a: 'b' } }, { labels: { a: 'b' } }, []],
    [
      'preserve-unknown-fields keeps unknowns but prunes nothing declared',
      { config: { anything: { deep: 1 }, level: 1 } },
      { config: { anything: { deep: 1 }, level: 1 } },
      [],
    ],
    [
      'embedded resource keeps apiVersion, kind and ObjectMeta fields',
      { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', bogus: 1 }, spec: { x: 1 } } },
      { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 1 } } },
      ['spec.template.metadata.bogus'],
    ],
  ];

  it.each(cases)('%s', (_name, spec, wantSpec, unknown) => {
    const { pruned, unknownFields } = compiled.prune(widget(spec));
    expect(pruned.spec).toEqual({ size: 'small', ...wantSpec });
    expect(unknownFields).toEqual(unknown);
  });

  it('keeps apiVersion, kind and metadata at the root and prunes unknown root and metadata fields', () => {
    const { pruned, unknownFields } = compiled.prune({ ...widget({}), extra: 1, metadata: { name: 'a', labels: { x: 'y' }, nope: 1 } });
    expect(pruned).toEqual({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'a', labels: { x: 'y' } }, spec: { size: 'small' } });
    expect(unknownFields.sort()).toEqual(['extra', 'metadata.nope']);
  });

  it('prunes everything below a schema that declares nothing', () => {
    const c = compileCrdSchema({ type: 'object', properties: { spec: { type: 'object' } } }, target);
    expect(c.prune({ apiVersion: 'a/v1', kind: 'K', spec: { a: 1 }, status: {} })).toEqual({
      pruned: { apiVersion: 'a/v1', kind: 'K', spec: {} },
      unknownFields: ['spec.a', 'status'],
    });
  });

  it('keeps everything under a root with preserve-unknown-fields', () => {
    const c = compileCrdSchema({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, target);
    expect(c.prune({ apiVersion: 'a/v1', kind: 'K', spec: { a: 1 }, x: [1] }).unknownFields).toEqual([]);
  });
});

describe('compileCrdSchema applyDefaults', () => {
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    ['missing scalar', {}, { replicas: 1, nested: { mode: 'auto' } }],
    ['present value wins', { replicas: 4 }, { replicas: 4, nested: { mode: 'auto' } }],
    ['null of a non-nullable field takes the default', { replicas: null }, { replicas: 1, nested: { mode: 'auto' } }],
    ['null without default is dropped', { name: null }, { replicas: 1, nested: { mode: 'auto' } }],
    ['nullable null is kept', { note: null }, { note: null, replicas: 1, nested: { mode: 'auto' } }],
    [
      'inside an existing parent, not creating absent parents',
      { nested: { inner: {} } },
      { replicas: 1, nested: { mode: 'auto', inner: { level: 'info' } } },
    ],
    ['absent parent without default stays absent', {}, { replicas: 1, nested: { mode: 'auto' } }],
    ['existing parent without default is filled', { absent: {} }, { replicas: 1, absent: { x: 'x' }, nested: { mode: 'auto' } }],
    [
      'array items, recursively',
      { containers: [{ name: 'a', ports: [{ port: 80 }] }, { name: 'b', image: 'nginx' }] },
      {
        replicas: 1,
        nested: { mode: 'auto' },
        containers: [
          { name: 'a', image: 'busybox', ports: [{ port: 80, protocol: 'TCP' }] },
          { name: 'b', image: 'nginx' },
        ],
      },
    ],
  ];

  it.each(cases)('%s', (_name, spec, want) => {
    expect(compiled.applyDefaults(widget(spec)).spec).toEqual({ size: 'small', ...want });
  });

  it('does not create spec when it is absent', () => {
    expect(compiled.applyDefaults({ apiVersion: 'a/v1', kind: 'Widget' })).toEqual({ apiVersion: 'a/v1', kind: 'Widget' });
  });
});

describe('defaulting on read without defaults', () => {
  it('finds defaults anywhere in a schema, and not in a property merely named "default"', () => {
    expect(declaresDefaults({ type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'string', default: 'x' } } } } })).toBe(true);
    expect(declaresDefaults({ type: 'array', items: { type: 'object', properties: { b: { type: 'integer', default: 1 } } } })).toBe(true);
    expect(declaresDefaults({ type: 'object', additionalProperties: { type: 'string', default: 'y' } })).toBe(true);
    expect(declaresDefaults({ type: 'object', properties: { default: { type: 'string' } } })).toBe(false);
  });

  it('returns the object itself when the schema declares no default (no copy on every read)', () => {
    const compiled = compileCrdSchema({ type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } } }, { kind: 'W', group: 'g.io', version: 'v1' });
    const obj = { apiVersion: 'g.io/v1', kind: 'W', metadata: { name: 'w' }, spec: { a: 'x' } };
    expect(compiled.applyDefaults(obj)).toBe(obj);
  });
});
