import type { ResourceType } from '../resources';
import { GROUP_PACKAGES, PKG_ALIASES, SCHEMA_TABLE } from './schema-table';

// Turns the compact schema table into OpenAPI v3 `components.schemas`
// entries (kubernetes-api.md §4 O5).

export type Schema = Record<string, unknown>;

export const OBJECT_META = `${PKG_ALIASES.meta}.ObjectMeta`;
export const LIST_META = `${PKG_ALIASES.meta}.ListMeta`;
export const STATUS = `${PKG_ALIASES.meta}.Status`;
export const PATCH = `${PKG_ALIASES.meta}.Patch`;

export const refTo = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

function resolveRef(ref: string, pkg: string): string {
  const dot = ref.indexOf('.');
  if (dot > 0 && PKG_ALIASES[ref.slice(0, dot)]) return `${PKG_ALIASES[ref.slice(0, dot)]}.${ref.slice(dot + 1)}`;
  return `${pkg}.${ref}`;
}

function typeSchema(type: string, pkg: string): Schema {
  if (type.startsWith('[')) return { type: 'array', items: typeSchema(type.slice(1, -1), pkg) };
  if (type.startsWith('{')) return { type: 'object', additionalProperties: typeSchema(type.slice(1, -1), pkg) };
  if (type.startsWith('@')) return refTo(resolveRef(type.slice(1), pkg));
  switch (type) {
    case 's':
      return { type: 'string' };
    case 'b':
      return { type: 'boolean' };
    case 'i32':
      return { type: 'integer', format: 'int32' };
    case 'i64':
      return { type: 'integer', format: 'int64' };
    case 'bytes':
      return { type: 'string', format: 'byte' };
    case 'obj':
      return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  }
  throw new Error(`unknown schema field type ${type}`);
}

function fieldSchema(type: string, description: string, pkg: string): Schema {
  const s = typeSchema(type, pkg);
  // A sibling description next to `$ref` is ignored by OpenAPI 3.0; the
  // apiserver wraps references in allOf so the field keeps its own text.
  if ('$ref' in s) return { description, allOf: [s] };
  return { description, ...s };
}

/** Schema package of a group/version: `io.k8s.api.core.v1`, or the reversed group (`com.example.v1`) for others. */
export function schemaPackage(group: string, version: string): string {
  const pkg = GROUP_PACKAGES[group] ?? group.split('.').reverse().join('.');
  return `${pkg}.${version}`;
}

export const gvkOf = (rt: Pick<ResourceType, 'group' | 'version'>, kind: string) => ({ group: rt.group, version: rt.version, kind });

function typeMetaFields(rt: ResourceType, kind: string): Record<string, Schema> {
  return {
    apiVersion: { description: `Versioned schema of this object; "${rt.group ? `${rt.group}/${rt.version}` : rt.version}" for ${kind}.`, type: 'string' },
    kind: { description: `Type of this object; "${kind}".`, type: 'string' },
  };
}

/** A definition of the table, as a schema; undefined when the table has no such name. */
export function tableSchema(name: string): Schema | undefined {
  const dot = name.lastIndexOf('.');
  const pkg = name.slice(0, dot);
  const def = SCHEMA_TABLE[pkg]?.[name.slice(dot + 1)];
  if (!def) return undefined;
  if (def.scalar) return { description: def.desc, ...def.scalar };
  const properties: Record<string, Schema> = {};
  for (const [f, [type, d]] of Object.entries(def.fields ?? {})) properties[f] = fieldSchema(type, d, pkg);
  const out: Schema = { description: def.desc, type: 'object', properties };
  if (def.required) out.required = def.required;
  return out;
}

/** The schema of a built-in kind: apiVersion, kind, metadata and the table's fields, tagged with its GVK. */
export function builtinKindSchema(rt: ResourceType): Schema {
  const name = `${schemaPackage(rt.group, rt.version)}.${rt.kind}`;
  const fromTable = tableSchema(name) ?? {
    description: `${rt.kind} object.`,
    type: 'object',
    properties: {},
    'x-kubernetes-preserve-unknown-fields': true,
  };
  const props = (fromTable.properties ?? {}) as Record<string, Schema>;
  return {
    ...fromTable,
    properties: {
      ...typeMetaFields(rt, rt.kind),
      metadata: { description: 'Standard object metadata.', allOf: [refTo(OBJECT_META)], default: {} },
      ...props,
    },
    'x-kubernetes-group-version-kind': [gvkOf(rt, rt.kind)],
  };
}

/**
 * The schema of a custom kind from its CRD's `openAPIV3Schema`: a copy with
 * apiVersion, kind and metadata (a reference to ObjectMeta) put in, tagged with its GVK.
 */
export function customKindSchema(rt: ResourceType, openAPIV3Schema: Schema | undefined): Schema {
  const base: Schema = openAPIV3Schema ? structuredClone(openAPIV3Schema) : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const props = (base.properties ?? {}) as Record<string, Schema>;
  const tm = typeMetaFields(rt, rt.kind);
  const metaDesc = typeof props.metadata?.description === 'string' ? props.metadata.description : 'Standard object metadata.';
  return {
    ...base,
    type: base.type ?? 'object',
    properties: {
      apiVersion: { ...tm.apiVersion, ...props.apiVersion },
      kind: { ...tm.kind, ...props.kind },
      metadata: { description: metaDesc, allOf: [refTo(OBJECT_META)] },
      ...Object.fromEntries(Object.entries(props).filter(([k]) => !['apiVersion', 'kind', 'metadata'].includes(k))),
    },
    'x-kubernetes-group-version-kind': [gvkOf(rt, rt.kind)],
  };
}

export function listKindSchema(rt: ResourceType, itemSchemaName: string): Schema {
  return {
    description: `A list of ${rt.kind} objects.`,
    type: 'object',
    properties: {
      ...typeMetaFields(rt, rt.listKind),
      metadata: { description: 'Standard list metadata.', allOf: [refTo(LIST_META)], default: {} },
      items: { description: `The ${rt.kind} objects.`, type: 'array', items: refTo(itemSchemaName) },
    },
    required: ['items'],
    'x-kubernetes-group-version-kind': [gvkOf(rt, rt.listKind)],
  };
}

function collectRefs(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) collectRefs(n, out);
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) out.add(v.slice('#/components/schemas/'.length));
      else collectRefs(v, out);
    }
  }
}

/** Adds every table definition that `schemas` (and `extraRoots`) refer to, transitively. */
export function closeOverRefs(schemas: Record<string, Schema>, extraRoots: unknown[] = []): void {
  const pending = new Set<string>();
  collectRefs([schemas, extraRoots], pending);
  while (pending.size) {
    const [name] = pending;
    pending.delete(name);
    if (schemas[name]) continue;
    const s = tableSchema(name);
    if (!s) continue;
    schemas[name] = s;
    collectRefs(s, pending);
  }
}
