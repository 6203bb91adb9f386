import { JSONSchemaProps } from './crd-schema.types';

/** A Widget schema that exercises most keywords (used by the specs). */
export function widgetSchema(): JSONSchemaProps {
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 20, pattern: '^[a-z][-a-z0-9]*$' } } },
      spec: {
        type: 'object',
        required: ['size'],
        properties: {
          replicas: { type: 'integer', minimum: 0, maximum: 10, default: 1 },
          size: { type: 'string', enum: ['small', 'medium'] },
          ratio: { type: 'number', exclusiveMinimum: true, minimum: 0, multipleOf: 0.5 },
          name: { type: 'string', minLength: 2, maxLength: 5, pattern: '^[a-z]+$' },
          enabled: { type: 'boolean' },
          created: { type: 'string', format: 'date-time' },
          timeout: { type: 'string', format: 'duration' },
          id: { type: 'string', format: 'uuid' },
          data: { type: 'string', format: 'byte' },
          weird: { type: 'string', format: 'no-such-format' },
          count32: { type: 'integer', format: 'int32' },
          port: { 'x-kubernetes-int-or-string': true },
          note: { type: 'string', nullable: true },
          tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3 },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { level: { type: 'integer' } } },
          template: {
            type: 'object',
            'x-kubernetes-embedded-resource': true,
            'x-kubernetes-preserve-unknown-fields': true,
          },
          containers: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            items: {
              type: 'object',
              required: ['name'],
              properties: {
                name: { type: 'string' },
                image: { type: 'string', default: 'busybox' },
                ports: {
                  type: 'array',
                  items: { type: 'object', properties: { port: { type: 'integer', maximum: 65535 }, protocol: { type: 'string', default: 'TCP' } } },
                },
              },
            },
          },
          set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
          nested: {
            type: 'object',
            default: {},
            properties: { inner: { type: 'object', properties: { level: { type: 'string', default: 'info' } } }, mode: { type: 'string', default: 'auto' } },
          },
          absent: { type: 'object', properties: { x: { type: 'string', default: 'x' } } },
        },
      },
      status: { type: 'object', properties: { ready: { type: 'boolean' } } },
    },
  };
}

export function widget(spec: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 'small', ...spec }, ...extra };
}
