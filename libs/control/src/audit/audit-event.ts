/** Who did it: the admin token, a tenant API key, a workspace user on the Kubernetes API, or nobody known. */
export type AuditActorKind = 'admin' | 'api-key' | 'workspace-user' | 'anonymous';
export type AuditSource = 'management' | 'kubernetes';
export type AuditOutcome = 'success' | 'failure';

/** One audited change. Never put tokens, kubeconfigs or request bodies in it. */
export interface AuditEventInput {
  /** Defaults to the time of the insert. */
  at?: Date;
  actorKind: AuditActorKind;
  /** 'admin', the API key id, or the Kubernetes username (with workspaceId set). */
  actorId?: string | null;
  tenantId?: string | null;
  workspaceId?: string | null;
  source: AuditSource;
  /** HTTP method or Kubernetes verb (create, update, patch, delete, deletecollection). */
  verb: string;
  /** Route template (`/v1/tenants/:tenant`) or Kubernetes resource (`configmaps`, `apps/deployments`). */
  resource: string;
  /** Name of the object acted on, when known. */
  name?: string | null;
  statusCode: number;
  /** Defaults from statusCode: < 400 is success. */
  outcome?: AuditOutcome;
  requestId?: string | null;
  userAgent?: string | null;
  /** Small, secret-free context (names, namespace, error code). */
  details?: Record<string, unknown>;
}

export interface AuditEvent {
  id: string;
  at: Date;
  actorKind: AuditActorKind;
  actorId: string | null;
  tenantId: string | null;
  workspaceId: string | null;
  source: AuditSource;
  verb: string;
  resource: string;
  name: string | null;
  statusCode: number;
  outcome: AuditOutcome;
  requestId: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

export const MAX_USER_AGENT_LENGTH = 256;
const MAX_TEXT = 512;
const MAX_DETAILS_BYTES = 4096;
/** Keys whose values never enter the audit log, at any depth. */
const SECRET_KEY_RE = /token|secret|password|authorization|kubeconfig|key_?data|private|credential/i;

/** Trims text to `max` characters and strips NUL (PostgreSQL text cannot hold it). */
export function auditText(value: unknown, max = MAX_TEXT): string | null {
  if (typeof value !== 'string') return null;
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/\u0000/g, '');
  return clean.length > max ? clean.slice(0, max) : clean;
}

/** Drops secret-looking keys, caps depth and size; what remains is safe to store. */
export function sanitizeAuditDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!details) return {};
  const walk = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
    if (typeof value === 'string') return auditText(value, 256);
    if (depth >= 4 || typeof value !== 'object') return undefined;
    if (Array.isArray(value)) return value.slice(0, 20).map((v) => walk(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value).slice(0, 30)) {
      if (k === '__proto__' || SECRET_KEY_RE.test(k)) continue;
      const walked = walk(v, depth + 1);
      if (walked !== undefined) out[k] = walked;
    }
    return out;
  };
  const result = walk(details, 0) as Record<string, unknown>;
  return JSON.stringify(result).length > MAX_DETAILS_BYTES ? { truncated: true } : result;
}
