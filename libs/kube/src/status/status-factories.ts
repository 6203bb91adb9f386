import { KubeStatusError } from './kube-status.error';
import { StatusReason, V1StatusCause, V1StatusDetails, V1SuccessStatusBody } from './status.types';

// Factories mirror k8s.io/apimachinery/pkg/api/errors so messages match what
// kubectl users see against a real cluster (kubernetes-api.md §15).

function make(code: number, reason: StatusReason, message: string, details?: V1StatusDetails): KubeStatusError {
  const body = { kind: 'Status' as const, apiVersion: 'v1' as const, metadata: {}, status: 'Failure' as const, message, reason, code };
  return new KubeStatusError(details ? { ...body, details: stripUndefined(details) } : body);
}

function stripUndefined(d: V1StatusDetails): V1StatusDetails {
  const out: V1StatusDetails = {};
  for (const [k, v] of Object.entries(d)) if (v !== undefined && v !== '') (out as Record<string, unknown>)[k] = v;
  return out;
}

/** `configmaps` for the core group, `widgets.example.com` otherwise. */
export function qualifiedResource(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export function notFound(resource: string, group: string, name: string): KubeStatusError {
  return make(404, 'NotFound', `${qualifiedResource(resource, group)} "${name}" not found`, { name, group, kind: resource });
}

export function alreadyExists(resource: string, group: string, name: string): KubeStatusError {
  return make(409, 'AlreadyExists', `${qualifiedResource(resource, group)} "${name}" already exists`, { name, group, kind: resource });
}

export function conflict(resource: string, group: string, name: string, detail?: string): KubeStatusError {
  const why = detail ?? 'the object has been modified; please apply your changes to the latest version and try again';
  return make(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(resource, group)} "${name}": ${why}`, {
    name,
    group,
    kind: resource,
  });
}

export interface InvalidCause {
  reason?: string;
  field: string;
  message: string;
}

/** 422; `kind` is the Kind (not the plural), as the apiserver does for Invalid. */
export function invalid(kind: string, group: string, name: string, causes: InvalidCause[]): KubeStatusError {
  const list = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  const fullCauses: V1StatusCause[] = causes.map((c) => ({ reason: c.reason ?? 'FieldValueInvalid', message: c.message, field: c.field }));
  return make(422, 'Invalid', `${kind} "${name}" is invalid: [${list}]`, { name, group, kind, causes: fullCauses });
}

/** 422 Invalid without field causes, e.g. a JSON patch that does not apply. */
export function unprocessable(message: string): KubeStatusError {
  return make(422, 'Invalid', message);
}

export function badRequest(message: string): KubeStatusError {
  return make(400, 'BadRequest', message);
}

export function unauthorized(message = 'Unauthorized'): KubeStatusError {
  return make(401, 'Unauthorized', message);
}

export function forbidden(message: string, details?: V1StatusDetails): KubeStatusError {
  return make(403, 'Forbidden', message, details);
}

export function methodNotAllowed(message = 'the server does not allow this method on the requested resource'): KubeStatusError {
  return make(405, 'MethodNotAllowed', message);
}

export function notAcceptable(message = 'the server was unable to respond with a content type that the client supports'): KubeStatusError {
  return make(406, 'NotAcceptable', message);
}

export function unsupportedMediaType(accepted: string[]): KubeStatusError {
  return make(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

export function requestEntityTooLarge(message: string): KubeStatusError {
  return make(413, 'RequestEntityTooLarge', message);
}

export function expired(message: string): KubeStatusError {
  return make(410, 'Expired', message);
}

export function tooManyRequests(retryAfterSeconds: number): KubeStatusError {
  return make(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds });
}

export function internalError(message: string): KubeStatusError {
  return make(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

export function serviceUnavailable(message: string, retryAfterSeconds?: number): KubeStatusError {
  return make(503, 'ServiceUnavailable', message, retryAfterSeconds !== undefined ? { retryAfterSeconds } : undefined);
}

export function timeout(message: string, retryAfterSeconds?: number): KubeStatusError {
  return make(504, 'Timeout', message, retryAfterSeconds !== undefined ? { retryAfterSeconds } : undefined);
}

/** The 200 body of a DELETE that removed the object at once (§11 G2). */
export function successStatus(details: V1StatusDetails): V1SuccessStatusBody {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: stripUndefined(details) };
}
