// Wire shape of metav1.Status (kubernetes-api.md §15). Every non-2xx reply and
// every watch ERROR event carries one of these.

export interface V1StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface V1StatusDetails {
  name?: string;
  group?: string;
  /** Resource plural for most reasons; the Kind for `Invalid`. */
  kind?: string;
  uid?: string;
  causes?: V1StatusCause[];
  retryAfterSeconds?: number;
}

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Expired'
  | 'Gone'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'Invalid'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export interface V1StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { resourceVersion?: string; continue?: string };
  status: 'Failure';
  message: string;
  reason: StatusReason;
  details?: V1StatusDetails;
  code: number;
}

export interface V1SuccessStatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success';
  details?: V1StatusDetails;
}
