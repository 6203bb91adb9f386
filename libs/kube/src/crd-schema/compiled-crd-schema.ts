import type { ValidateFunction } from 'ajv';
import { InvalidCause } from '../status';
import { toAjvSchema } from './ajv-schema';
import { ajvErrorsToCauses } from './field-errors';
import { sharedAjv } from './k8s-formats';
import { deepClone } from '../meta/deep-equal';
import { applyDefaultsInPlace } from './defaults';
import { PruneResult, pruneInPlace } from './prune';
import { needsSemanticChecks, semanticCauses } from './semantic-checks';
import { JSONSchemaProps, JsonObject, isPlainObject } from './crd-schema.types';

export interface CrdSchemaTarget {
  kind: string;
  group: string;
  version: string;
}

/**
 * One CRD version's openAPIV3Schema, compiled once. `prune`, `applyDefaults` and `validate` follow
 * the apiserver's order on writes (prune -> default -> validate) and never mutate their input.
 */
export interface CompiledCrdSchema extends CrdSchemaTarget {
  readonly schema: JSONSchemaProps;
  /** Causes for a 422 Invalid, one per field, in schema order; empty when the object is valid. */
  validate(obj: unknown): InvalidCause[];
  prune(obj: JsonObject): PruneResult;
  applyDefaults(obj: JsonObject): JsonObject;
}

class AjvCompiledCrdSchema implements CompiledCrdSchema {
  readonly kind: string;
  readonly group: string;
  readonly version: string;
  private readonly check: ValidateFunction;
  private readonly semantic: boolean;

  private readonly hasDefaults: boolean;

  constructor(readonly schema: JSONSchemaProps, target: CrdSchemaTarget) {
    this.hasDefaults = declaresDefaults(schema);
    this.kind = target.kind;
    this.group = target.group;
    this.version = target.version;
    const ajv = sharedAjv();
    const converted = toAjvSchema(schema);
    this.check = ajv.compile(converted);
    // The validate function outlives ajv's cache entry; dropping it keeps the shared instance small.
    if (typeof converted === 'object') ajv.removeSchema(converted);
    this.semantic = needsSemanticChecks(schema);
  }

  validate(obj: unknown): InvalidCause[] {
    const causes = this.check(obj) ? [] : ajvErrorsToCauses(this.check.errors, obj);
    if (this.semantic) {
      const extra: InvalidCause[] = [];
      semanticCauses(obj, this.schema, '', extra);
      const seen = new Set(causes.map((c) => c.field));
      for (const c of extra) if (!seen.has(c.field)) causes.push(c);
    }
    return causes;
  }

  prune(obj: JsonObject): PruneResult {
    const pruned = deepClone(obj);
    const unknownFields = pruneInPlace(pruned, this.schema);
    return { pruned, unknownFields };
  }

  applyDefaults(obj: JsonObject): JsonObject {
    // Reads default every object; a schema without defaults needs neither the copy nor the walk.
    if (!this.hasDefaults) return obj;
    return applyDefaultsInPlace(deepClone(obj), this.schema);
  }
}

/** Compiles a CRD version's schema; throws only if ajv cannot compile it (a non-structural schema). */
export function compileCrdSchema(openAPIV3Schema: JSONSchemaProps | Record<string, unknown>, target: CrdSchemaTarget): CompiledCrdSchema {
  const schema = isPlainObject(openAPIV3Schema) ? openAPIV3Schema : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return new AjvCompiledCrdSchema(schema as JSONSchemaProps, target);
}

/** Whether any node of the schema declares `default` (properties, items, maps, junctors). */
export function declaresDefaults(s: unknown): boolean {
  if (typeof s !== 'object' || s === null) return false;
  const node = s as Record<string, unknown>;
  if ('default' in node) return true;
  const children: unknown[] = [node.items, node.additionalProperties, node.not];
  if (node.properties && typeof node.properties === 'object') children.push(...Object.values(node.properties as object));
  for (const k of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(node[k])) children.push(...(node[k] as unknown[]));
  return children.some(declaresDefaults);
}
