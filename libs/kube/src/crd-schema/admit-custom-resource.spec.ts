import { isKubeStatusError } from '../status';
import { admitCustomResource } from './admit-custom-resource';
import { compileCrdSchema } from './compiled-crd-schema';
import { CrdSchemaCache } from './crd-schema-cache';
import { widget, widgetSchema } from './crd-schema.fixtures';

const compiled = compileCrdSchema(widgetSchema(), { kind: 'Widget', group: 'example.com', version: 'v1' });
const opts = { kind: 'Widget', group: 'example.com', name: 'w1' };

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('admitCustomResource', () => {
  it('prunes, defaults and validates', () => {
    const r = admitCustomResource(compiled, widget({ foo: 1 }), { ...opts, fieldValidation: 'Ignore' });
    expect(r).toEqual({ object: widget({ replicas: 1, nested: { mode: 'auto' } }), warnings: [] });
  });

  it('Strict: 400 strict decoding error listing every unknown field', () => {
    const e = thrown(() => admitCustomResource(compiled, widget({ foo: 1, bar: 2 }), { ...opts, fieldValidation: 'Strict' }));
    expect(isKubeStatusError(e) && e.status).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.bar", unknown field "spec.foo"',
    });
  });

  it('Warn: one warning per unknown field', () => {
    const r = admitCustomResource(compiled, widget({ foo: 1 }, { extra: true }), { ...opts, fieldValidation: 'Warn' });
    expect(r.warnings).toEqual(['unknown field "extra"', 'unknown field "spec.foo"']);
  });

  it.each(['', 'Ignore'] as const)('fieldValidation=%p drops unknown fields silently', (fv) => {
    expect(admitCustomResource(compiled, widget({ foo: 1 }), { ...opts, fieldValidation: fv }).warnings).toEqual([]);
  });

  it('Strict with no unknown fields passes', () => {
    expect(admitCustomResource(compiled, widget({}), { ...opts, fieldValidation: 'Strict' }).object.spec).toMatchObject({ replicas: 1 });
  });

  it('422 Invalid with a cause per field after defaulting', () => {
    const e = thrown(() => admitCustomResource(compiled, widget({ replicas: 'string', size: 'huge' }), { ...opts, fieldValidation: 'Strict' }));
    expect(isKubeStatusError(e) && e.status).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message:
        'Widget "w1" is invalid: [spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string", ' +
        'spec.size: Unsupported value: "huge": supported values: "small", "medium"]',
      details: {
        name: 'w1',
        group: 'example.com',
        kind: 'Widget',
        causes: [
          { reason: 'FieldValueTypeInvalid', field: 'spec.replicas', message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"' },
          { reason: 'FieldValueNotSupported', field: 'spec.size', message: 'Unsupported value: "huge": supported values: "small", "medium"' },
        ],
      },
    });
  });
});

describe('CrdSchemaCache', () => {
  it('compiles once per (uid, resourceVersion, version) and evicts the least recently used', () => {
    const cache = new CrdSchemaCache(2);
    let compiles = 0;
    const make = () => {
      compiles++;
      return compiled;
    };
    cache.getOrCompile('u1', '1', 'v1', make);
    cache.getOrCompile('u1', '1', 'v1', make);
    expect(compiles).toBe(1);
    cache.getOrCompile('u1', '1', 'v2', make);
    cache.get('u1', '1', 'v1'); // v1 is now most recent
    cache.getOrCompile('u2', '5', 'v1', make); // evicts u1/1/v2
    expect(cache.size).toBe(2);
    expect(cache.get('u1', '1', 'v2')).toBeUndefined();
    expect(cache.get('u1', '1', 'v1')).toBe(compiled);
    cache.deleteCrd('u1');
    expect(cache.size).toBe(1);
  });
});
