import { apiVersionOf, badRequest, FieldValidation, OptionsKind, parseBoolParam, resolveFieldManager, validateFieldManager, validateForce } from '@kplane/kube';
import { ResourceRequest } from './request-context';

/** Write options common to create, update and patch (§5 C6-C8). */
export interface WriteOptions {
  dryRun: boolean;
  manager: string;
  force: boolean;
  apiVersion: string;
  subresource?: 'status' | 'finalize';
  fieldValidation: FieldValidation;
}

const FIELD_VALIDATION = new Set(['', 'Ignore', 'Warn', 'Strict']);

export function readWriteOptions(r: ResourceRequest, kind: OptionsKind, opts: { apply?: boolean } = {}): WriteOptions {
  const dryRun = r.query.getAll('dryRun');
  if (dryRun.some((v) => v !== 'All')) throw badRequest('invalid dryRun value: only "All" is supported');
  const fieldValidation = r.query.get('fieldValidation') ?? '';
  if (!FIELD_VALIDATION.has(fieldValidation)) {
    throw badRequest(`invalid fieldValidation "${fieldValidation.slice(0, 32)}": must be one of Ignore, Warn, Strict`);
  }
  const fieldManager = r.query.get('fieldManager') ?? undefined;
  validateFieldManager(fieldManager, kind, opts);
  const force = parseBoolParam(r.query.get('force') ?? undefined);
  validateForce(force, opts.apply === true);
  return {
    dryRun: dryRun.length > 0,
    manager: resolveFieldManager(fieldManager, r.req.headers['user-agent']),
    force: force === true,
    apiVersion: apiVersionOf(r.rt),
    subresource: r.subresource === 'status' || r.subresource === 'finalize' ? r.subresource : undefined,
    fieldValidation: fieldValidation as FieldValidation,
  };
}
