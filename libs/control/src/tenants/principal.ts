/**
 * Who is calling. The admin may do everything; a tenant API key acts only inside its own
 * tenant, and other tenants look to it as if they did not exist.
 */
export type Principal = { kind: 'admin' } | { kind: 'tenant'; tenantId: string; apiKeyId: string };

export const ADMIN_PRINCIPAL: Principal = Object.freeze({ kind: 'admin' as const });

/** Stable string naming the principal, e.g. for idempotency-key scoping. */
export function principalId(principal: Principal): string {
  return principal.kind === 'admin' ? 'admin' : `api-key:${principal.apiKeyId}`;
}

export function canSeeTenant(principal: Principal, tenantId: string): boolean {
  return principal.kind === 'admin' || principal.tenantId === tenantId;
}

export function isAdmin(principal: Principal): principal is { kind: 'admin' } {
  return principal.kind === 'admin';
}
