import { crdSchemaFieldPrefix, structuralSchemaCauses } from './structural-schema';
import { widgetSchema } from './crd-schema.fixtures';
import { JSONSchemaProps } from './crd-schema.types';

const P = 'spec.validation.openAPIV3Schema';
const root = (spec: JSONSchemaProps, extra: JSONSchemaProps = {}): JSONSchemaProps => ({ type: 'object', properties: { spec }, ...extra });

describe('structuralSchemaCauses', () => {
  it('accepts a structural schema', () => {
    expect(structuralSchemaCauses(widgetSchema())).toEqual([]);
  });

  it('accepts the int-or-string anyOf and allOf patterns', () => {
    const ios = { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] };
    const ios2 = { 'x-kubernetes-int-or-string': true, allOf: [{ anyOf: [{ type: 'integer' }, { type: 'string' }] }, { pattern: '^[0-9]+%?$' }] };
    expect(structuralSchemaCauses(root({ type: 'object', properties: { a: ios, b: ios2 } }))).toEqual([]);
  });

  const cases: Array<[string, JSONSchemaProps, Array<{ field: string; message: string }>]> = [
    [
      'missing type on a field',
      root({ type: 'object', properties: { a: { minimum: 1 } } }),
      [{ field: `${P}.properties[spec].properties[a].type`, message: 'Required value: must not be empty for specified object fields' }],
    ],
    [
      'missing type on array items',
      root({ type: 'array', items: {} }),
      [{ field: `${P}.properties[spec].items.type`, message: 'Required value: must not be empty for specified array items' }],
    ],
    ['missing type at the root', { properties: {} }, [{ field: `${P}.type`, message: 'Required value: must not be empty at the root' }]],
    ['root not object', { type: 'string' }, [{ field: `${P}.type`, message: 'Invalid value: "string": must be object at the root' }]],
    ['array without items', root({ type: 'array' }), [{ field: `${P}.properties[spec].items`, message: 'Required value: must be specified' }]],
    [
      'metadata with more than name and generateName',
      { type: 'object', properties: { metadata: { type: 'object', properties: { name: { type: 'string' }, labels: { type: 'object' } } } } },
      [
        {
          field: `${P}.properties[metadata]`,
          message: 'Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified',
        },
      ],
    ],
    [
      'kind must be string',
      { type: 'object', properties: { kind: { type: 'integer' } } },
      [{ field: `${P}.properties[kind].type`, message: 'Invalid value: "integer": must be string' }],
    ],
    [
      'embedded resource not object',
      root({ type: 'string', 'x-kubernetes-embedded-resource': true }),
      [
        { field: `${P}.properties[spec].type`, message: 'Invalid value: "string": must be object if x-kubernetes-embedded-resource is true' },
        {
          field: `${P}.properties[spec].properties`,
          message: 'Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields',
        },
      ],
    ],
    [
      'embedded resource without properties or preserve-unknown-fields',
      root({ type: 'object', 'x-kubernetes-embedded-resource': true }),
      [
        {
          field: `${P}.properties[spec].properties`,
          message: 'Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields',
        },
      ],
    ],
    ['$ref', root({ type: 'object', $ref: '#/definitions/x' }), [{ field: `${P}.properties[spec].$ref`, message: 'Forbidden: $ref is not supported' }]],
    [
      'uniqueItems true',
      root({ type: 'array', items: { type: 'string' }, uniqueItems: true }),
      [{ field: `${P}.properties[spec].uniqueItems`, message: 'Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic' }],
    ],
    [
      'additionalProperties false',
      root({ type: 'object', additionalProperties: false }),
      [{ field: `${P}.properties[spec].additionalProperties`, message: 'Forbidden: additionalProperties cannot be set to false' }],
    ],
    [
      'additionalProperties with properties',
      root({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } }),
      [{ field: `${P}.properties[spec].additionalProperties`, message: 'Forbidden: additionalProperties and properties are mutual exclusive' }],
    ],
    [
      'type inside a junctor',
      root({ type: 'object', properties: { a: { type: 'string' } }, anyOf: [{ type: 'object' }] }),
      [{ field: `${P}.properties[spec].anyOf[0].type`, message: 'Forbidden: must be empty to be structural' }],
    ],
    [
      'junctor property not in the structural part',
      root({ type: 'object', properties: { a: { type: 'string' } }, oneOf: [{ properties: { b: { minLength: 1 } } }] }),
      [
        {
          field: `${P}.properties[spec].properties[b]`,
          message: `Required value: because it is defined in ${P}.properties[spec].oneOf[0].properties[b]`,
        },
      ],
    ],
    [
      'int-or-string with a type',
      root({ type: 'object', properties: { p: { type: 'string', 'x-kubernetes-int-or-string': true } } }),
      [{ field: `${P}.properties[spec].properties[p].type`, message: 'Invalid value: "string": must be empty if x-kubernetes-int-or-string is true' }],
    ],
    [
      'preserve-unknown-fields false',
      root({ type: 'object', 'x-kubernetes-preserve-unknown-fields': false }),
      [{ field: `${P}.properties[spec].x-kubernetes-preserve-unknown-fields`, message: 'Invalid value: false: must be true or undefined' }],
    ],
    [
      'list-type on a non-array',
      root({ type: 'object', 'x-kubernetes-list-type': 'set' }),
      [{ field: `${P}.properties[spec].x-kubernetes-list-type`, message: 'Invalid value: "set": must only be used on type=array' }],
    ],
    [
      'list-map-keys without list-type map',
      root({ type: 'array', items: { type: 'object', properties: { n: { type: 'string' } } }, 'x-kubernetes-list-map-keys': ['n'] }),
      [{ field: `${P}.properties[spec].x-kubernetes-list-type`, message: 'Required value: must be map if x-kubernetes-list-map-keys is non-empty' }],
    ],
    [
      'list-type map without keys',
      root({ type: 'array', items: { type: 'object' }, 'x-kubernetes-list-type': 'map' }),
      [{ field: `${P}.properties[spec].x-kubernetes-list-map-keys`, message: 'Required value: must not be empty if x-kubernetes-list-type is map' }],
    ],
    [
      'list-map-keys not required and without default',
      root({ type: 'array', items: { type: 'object', properties: { n: { type: 'string' } } }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['n'] }),
      [{ field: `${P}.properties[spec].x-kubernetes-list-map-keys`, message: 'Invalid value: ["n"]: entries must all be names of required properties or have a default' }],
    ],
    [
      'default of the wrong type',
      root({ type: 'object', properties: { r: { type: 'integer', default: 'one' } } }),
      [
        {
          field: `${P}.properties[spec].properties[r].default`,
          message: `Invalid value: "string": ${P}.properties[spec].properties[r].default in body must be of type integer: "string"`,
        },
      ],
    ],
    [
      'default with unknown fields',
      root({ type: 'object', properties: { o: { type: 'object', properties: { a: { type: 'string' } }, default: { a: 'x', b: 'y' } } } }),
      [{ field: `${P}.properties[spec].properties[o].default.b`, message: 'Invalid value: "": must not have unknown fields' }],
    ],
  ];

  it.each(cases)('%s', (_name, schema, want) => {
    expect(structuralSchemaCauses(schema).map(({ field, message }) => ({ field, message }))).toEqual(want);
  });

  it('uses the v1 field prefix', () => {
    expect(crdSchemaFieldPrefix(1)).toBe('spec.versions[1].schema.openAPIV3Schema');
    expect(structuralSchemaCauses({ type: 'string' }, crdSchemaFieldPrefix(0))[0].field).toBe('spec.versions[0].schema.openAPIV3Schema.type');
  });
});
