import { formatTime } from '../meta/time-and-params';
import { badRequest, KubeStatusError } from '../status';
import { V1StatusCause } from '../status/status.types';
import { authorize, rulesFor } from './authorizer';
import { NonResourceAttributes, RbacState, RequestAttributes, ResourceAttributes, UserInfo } from './rbac.types';

// Response bodies of the create-only review kinds (kubernetes-api.md §16 Z2-Z4, Z6),
// given the decoded request body (JSON or protobuf-decoded). The caller replies 201.

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

interface FieldErr {
  field: string;
  type: 'Invalid' | 'Required' | 'TooLong';
  value?: unknown;
  detail: string;
}

function goValue(v: unknown): string {
  if (v === undefined || v === null) return '"null"';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** apierrors.NewInvalid with a group-qualified kind: `Kind.group "name" is invalid: <errs>`. */
function invalidQualified(kind: string, group: string, name: string, errs: FieldErr[]): KubeStatusError {
  const bodies = errs.map((e) => {
    if (e.type === 'Invalid') return `${e.field}: Invalid value: ${goValue(e.value)}: ${e.detail}`;
    if (e.type === 'Required') return `${e.field}: Required value${e.detail ? `: ${e.detail}` : ''}`;
    return `${e.field}: Too long: ${e.detail}`;
  });
  const agg = bodies.length === 1 ? bodies[0] : `[${bodies.join(', ')}]`;
  const causes: V1StatusCause[] = errs.map((e, i) => ({
    reason: e.type === 'Invalid' ? 'FieldValueInvalid' : e.type === 'Required' ? 'FieldValueRequired' : 'FieldValueTooLong',
    message: bodies[i].slice(e.field.length + 2),
    field: e.field,
  }));
  const details: Obj = { group, kind, causes };
  if (name) details.name = name;
  return new KubeStatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${kind}.${group} ${JSON.stringify(name)} is invalid: ${agg}`,
    reason: 'Invalid',
    details,
    code: 422,
  } as KubeStatusError['status']);
}

function echoMetadata(request: Obj): Obj {
  const meta = isObj(request.metadata) ? { ...request.metadata } : {};
  if (meta.creationTimestamp === undefined || meta.creationTimestamp === '') meta.creationTimestamp = null;
  return meta;
}

// ---- SelfSubjectAccessReview (authorization.k8s.io/v1) ----

/** The request attributes a SelfSubjectAccessReview spec asks about; throws 422 as the apiserver's validation does. */
export function accessReviewAttributes(spec: unknown): RequestAttributes {
  const s = isObj(spec) ? spec : {};
  const ra = isObj(s.resourceAttributes) ? s.resourceAttributes : undefined;
  const nra = isObj(s.nonResourceAttributes) ? s.nonResourceAttributes : undefined;
  if (ra && nra) {
    throw invalidQualified('SelfSubjectAccessReview', 'authorization.k8s.io', '', [
      { field: 'spec.nonResourceAttributes', type: 'Invalid', value: nra, detail: 'cannot be specified in combination with resourceAttributes' },
    ]);
  }
  if (!ra && !nra) {
    throw invalidQualified('SelfSubjectAccessReview', 'authorization.k8s.io', '', [
      { field: 'spec.resourceAttributes', type: 'Invalid', value: null, detail: 'exactly one of nonResourceAttributes or resourceAttributes must be specified' },
    ]);
  }
  if (ra) {
    const out: ResourceAttributes = { verb: str(ra.verb), group: str(ra.group), resource: str(ra.resource) };
    if (str(ra.version)) out.version = str(ra.version);
    if (str(ra.subresource)) out.subresource = str(ra.subresource);
    if (str(ra.name)) out.name = str(ra.name);
    if (str(ra.namespace)) out.namespace = str(ra.namespace);
    return out;
  }
  const out: NonResourceAttributes = { verb: str(nra!.verb), path: str(nra!.path) };
  return out;
}

/** `status` of a SelfSubjectAccessReview: `{allowed, reason?, evaluationError?}` (denied is never set by RBAC). */
export function selfSubjectAccessReviewStatus(user: UserInfo, spec: unknown, rbac: RbacState): { allowed: boolean; reason?: string; evaluationError?: string } {
  const d = authorize(user, accessReviewAttributes(spec), rbac);
  const status: { allowed: boolean; reason?: string; evaluationError?: string } = { allowed: d.allowed };
  if (d.reason) status.reason = d.reason;
  if (d.evaluationError) status.evaluationError = d.evaluationError;
  return status;
}

/** 201 body for POST selfsubjectaccessreviews: the request echoed with `status` filled. */
export function selfSubjectAccessReview(user: UserInfo, request: unknown, rbac: RbacState): Obj {
  const req = isObj(request) ? request : {};
  const status = selfSubjectAccessReviewStatus(user, req.spec, rbac);
  return {
    ...req,
    kind: 'SelfSubjectAccessReview',
    apiVersion: str(req.apiVersion) || 'authorization.k8s.io/v1',
    metadata: echoMetadata(req),
    spec: req.spec,
    status,
  };
}

// ---- SelfSubjectRulesReview (authorization.k8s.io/v1) ----

export interface SubjectRulesReviewStatus {
  resourceRules: { verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }[];
  nonResourceRules: { verbs: string[]; nonResourceURLs?: string[] }[];
  incomplete: boolean;
  evaluationError?: string;
}

/** `status` of a SelfSubjectRulesReview for `spec.namespace`; 400 `no namespace on request` without one. */
export function selfSubjectRulesReviewStatus(user: UserInfo, spec: unknown, rbac: RbacState): SubjectRulesReviewStatus {
  const namespace = isObj(spec) ? str(spec.namespace) : '';
  if (!namespace) throw badRequest('no namespace on request');
  const r = rulesFor(user, namespace, rbac);
  const status: SubjectRulesReviewStatus = { resourceRules: r.resourceRules, nonResourceRules: r.nonResourceRules, incomplete: r.incomplete };
  if (r.evaluationError) status.evaluationError = r.evaluationError;
  return status;
}

/**
 * 201 body for POST selfsubjectrulesreviews. The apiserver builds a fresh
 * object (it does not echo the spec): `metadata: {creationTimestamp: null}, spec: {}`.
 */
export function selfSubjectRulesReview(user: UserInfo, request: unknown, rbac: RbacState): Obj {
  const req = isObj(request) ? request : {};
  const status = selfSubjectRulesReviewStatus(user, req.spec, rbac);
  return {
    kind: 'SelfSubjectRulesReview',
    apiVersion: str(req.apiVersion) || 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: {},
    status,
  };
}

// ---- SelfSubjectReview (authentication.k8s.io/v1, v1beta1, v1alpha1) ----

const SSR_VERSIONS = ['authentication.k8s.io/v1', 'authentication.k8s.io/v1beta1', 'authentication.k8s.io/v1alpha1'];

/** 201 body for POST selfsubjectreviews (`kubectl auth whoami`). `request` supplies apiVersion (v1 when absent). */
export function selfSubjectReview(user: UserInfo, request: unknown = {}, now: Date = new Date()): Obj {
  const req = isObj(request) ? request : {};
  const apiVersion = SSR_VERSIONS.includes(str(req.apiVersion)) ? str(req.apiVersion) : 'authentication.k8s.io/v1';
  const userInfo: Obj = { username: user.username };
  if (user.uid) userInfo.uid = user.uid;
  if (user.groups && user.groups.length) userInfo.groups = [...user.groups];
  if (user.extra && Object.keys(user.extra).length) userInfo.extra = { ...user.extra };
  return {
    kind: 'SelfSubjectReview',
    apiVersion,
    metadata: { creationTimestamp: formatTime(now) },
    status: { userInfo },
  };
}

// ---- TokenRequest (authentication.k8s.io/v1, POST serviceaccounts/<name>/token) ----

export const TOKEN_REQUEST_DEFAULT_EXPIRATION_SECONDS = 3600;
export const TOKEN_REQUEST_MIN_EXPIRATION_SECONDS = 600;
export const TOKEN_REQUEST_MAX_EXPIRATION_SECONDS = 48 * 3600;
export const DEFAULT_TOKEN_AUDIENCES = ['https://kubernetes.default.svc.cluster.local'];

export interface TokenRequestOptions {
  /** Namespace and ServiceAccount name from the URL. */
  namespace: string;
  name: string;
  /** Server audiences used when spec.audiences is empty. */
  audiences?: string[];
  /** Longer requests are shortened to this, with a warning (default 48h). */
  maxExpirationSeconds?: number;
  now?: Date;
}

export interface PreparedTokenRequest {
  /** The request with metadata and spec defaulted, ready for tokenRequestResponse. */
  request: Obj & { spec: { audiences: string[]; expirationSeconds: number } };
  audiences: string[];
  expirationSeconds: number;
  /** Expiry to put in the token and the status: now + expirationSeconds. */
  expirationTimestamp: string;
  /** For `Warning: 299` headers. */
  warnings: string[];
}

/**
 * Validates and defaults a TokenRequest like the apiserver's token REST:
 * body name/namespace must match the URL (422), expirationSeconds defaults to
 * 3600, < 600 is 422, above the maximum is shortened with a warning.
 */
export function prepareTokenRequest(request: unknown, opts: TokenRequestOptions): PreparedTokenRequest {
  const req = isObj(request) ? { ...request } : {};
  const meta = isObj(req.metadata) ? { ...req.metadata } : {};
  const spec = isObj(req.spec) ? { ...req.spec } : {};
  const group = 'authentication.k8s.io';
  if (str(meta.name) && meta.name !== opts.name) {
    throw invalidQualified('TokenRequest', group, opts.name, [
      { field: 'metadata.name', type: 'Invalid', value: meta.name, detail: 'must match the service account name if specified' },
    ]);
  }
  if (str(meta.namespace) && meta.namespace !== opts.namespace) {
    throw invalidQualified('TokenRequest', group, opts.name, [
      { field: 'metadata.namespace', type: 'Invalid', value: meta.namespace, detail: 'must match the service account namespace if specified' },
    ]);
  }
  let expirationSeconds =
    spec.expirationSeconds === undefined || spec.expirationSeconds === null ? TOKEN_REQUEST_DEFAULT_EXPIRATION_SECONDS : Number(spec.expirationSeconds);
  if (!Number.isFinite(expirationSeconds) || !Number.isInteger(expirationSeconds)) {
    throw invalidQualified('TokenRequest', group, '', [
      { field: 'spec.expirationSeconds', type: 'Invalid', value: spec.expirationSeconds, detail: 'must be an integer' },
    ]);
  }
  if (expirationSeconds < TOKEN_REQUEST_MIN_EXPIRATION_SECONDS) {
    throw invalidQualified('TokenRequest', group, '', [
      { field: 'spec.expirationSeconds', type: 'Invalid', value: expirationSeconds, detail: 'may not specify a duration less than 10 minutes' },
    ]);
  }
  if (expirationSeconds > 2 ** 32) {
    throw invalidQualified('TokenRequest', group, '', [
      { field: 'spec.expirationSeconds', type: 'TooLong', detail: 'may not specify a duration larger than 2^32 seconds' },
    ]);
  }
  const warnings: string[] = [];
  const max = opts.maxExpirationSeconds ?? TOKEN_REQUEST_MAX_EXPIRATION_SECONDS;
  if (max > 0 && expirationSeconds > max) {
    warnings.push(`requested expiration of ${expirationSeconds} seconds shortened to ${max} seconds`);
    expirationSeconds = max;
  }
  const requested = Array.isArray(spec.audiences) ? (spec.audiences as unknown[]).filter((a): a is string => typeof a === 'string') : [];
  const audiences = requested.length ? requested : [...(opts.audiences ?? DEFAULT_TOKEN_AUDIENCES)];
  const now = opts.now ?? new Date();
  const out = {
    ...req,
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { ...meta, name: opts.name, namespace: opts.namespace, creationTimestamp: formatTime(now) },
    spec: { ...spec, audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
  };
  delete (out as Obj).status;
  return {
    request: out,
    audiences,
    expirationSeconds,
    expirationTimestamp: formatTime(new Date(now.getTime() + expirationSeconds * 1000)),
    warnings,
  };
}

/**
 * 201 body of a TokenRequest: the (prepared) request with `status.token` and
 * `status.expirationTimestamp`. An unprepared request is defaulted (expirationSeconds 3600, metadata kept).
 */
export function tokenRequestResponse(request: unknown, result: { token: string; expirationTimestamp: Date | string }): Obj {
  const req = isObj(request) ? request : {};
  const spec = isObj(req.spec) ? { ...req.spec } : {};
  if (spec.expirationSeconds === undefined || spec.expirationSeconds === null) spec.expirationSeconds = TOKEN_REQUEST_DEFAULT_EXPIRATION_SECONDS;
  if (!('boundObjectRef' in spec)) spec.boundObjectRef = null;
  const expirationTimestamp = typeof result.expirationTimestamp === 'string' ? result.expirationTimestamp : formatTime(result.expirationTimestamp);
  return {
    ...req,
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: echoMetadata(req),
    spec,
    status: { token: result.token, expirationTimestamp },
  };
}
