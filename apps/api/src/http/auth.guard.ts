import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ADMIN_PRINCIPAL, Principal, secretsEqual } from '@kplane/control';
import type { Request } from 'express';
import { API_CONFIG, ApiConfig } from '../api-config';
import { AuthError } from './auth.errors';

const PUBLIC_ROUTE = 'kplane:public-route';

/** Marks a controller or handler as reachable without a bearer token (health, metrics). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

export type AuthenticatedRequest = Request & { principal?: Principal };

/**
 * Authenticates `Authorization: Bearer <token>` and attaches the principal to the request.
 * Today only the admin token exists; tenant API keys will resolve to `{kind: 'tenant'}`.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new AuthError('UNAUTHENTICATED', 'an Authorization: Bearer token is required');
    if (!secretsEqual(match[1]!, this.config.adminToken)) throw new AuthError('UNAUTHENTICATED', 'the bearer token is not valid');
    req.principal = ADMIN_PRINCIPAL;
    return true;
  }
}

/** The authenticated principal of the request (set by BearerAuthGuard). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new AuthError('UNAUTHENTICATED', 'not authenticated');
  return principal;
});
