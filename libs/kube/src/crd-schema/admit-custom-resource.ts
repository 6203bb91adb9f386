import { badRequest, invalid } from '../status';
import { CompiledCrdSchema } from './compiled-crd-schema';
import { applyDefaultsInPlace } from './defaults';
import { FieldValidation, JsonObject } from './crd-schema.types';

export interface AdmitCustomResourceOptions {
  fieldValidation: FieldValidation;
  kind: string;
  group: string;
  name: string;
}

export interface AdmitCustomResourceResult {
  object: JsonObject;
  /** `unknown field "spec.foo"` per pruned field under fieldValidation=Warn; send as `299` warnings. */
  warnings: string[];
}

/** The 400 message of a strict decode, as the apiserver words it for custom resources. */
export function strictDecodingMessage(kind: string, version: string, unknownFields: string[]): string {
  const list = unknownFields.map((f) => `unknown field "${f}"`).join(', ');
  return `${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${list}`;
}

/**
 * A custom resource write (create/update): prune unknown fields (Strict: 400, Warn: warnings,
 * Ignore/'': silently), apply defaults, then validate (422 Invalid with one cause per field).
 */
export function admitCustomResource(compiled: CompiledCrdSchema, obj: JsonObject, opts: AdmitCustomResourceOptions): AdmitCustomResourceResult {
  const { pruned, unknownFields } = compiled.prune(obj);
  const warnings: string[] = [];
  if (unknownFields.length > 0) {
    if (opts.fieldValidation === 'Strict') throw badRequest(strictDecodingMessage(opts.kind, compiled.version, unknownFields));
    if (opts.fieldValidation === 'Warn') for (const f of unknownFields) warnings.push(`unknown field "${f}"`);
  }
  const object = applyDefaultsInPlace(pruned, compiled.schema); // `pruned` is already a private copy
  const causes = compiled.validate(object);
  if (causes.length > 0) throw invalid(opts.kind, opts.group, opts.name, causes);
  return { object, warnings };
}
