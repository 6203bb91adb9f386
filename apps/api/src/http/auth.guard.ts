import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ADMIN_PRINCIPAL, ApiKeysService, Principal, secretsEqual } from '@kplane/control';
import type { Request } from 'express';
import { API_CONFIG, ApiConfig } from '../api-config';
import { AuthError } from './auth.errors';

const PUBLIC_ROUTE = 'kplane:public-route';

/** Marks a controller or handler as reachable without a bearer token (health, metrics). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

export type AuthenticatedRequest = Request & { principal?: Principal };

/**
 * Authenticates `Authorization: Bearer <token>` and attaches the principal to the request:
 * the admin token (constant-time compare) or a live tenant API key (looked up by hash; a
 * revoked key or one whose tenant is gone is 401).
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new AuthError('UNAUTHENTICATED', 'an Authorization: Bearer token is required');
    const token = match[1]!;
    if (secretsEqual(token, this.config.adminToken)) {
      req.principal = ADMIN_PRINCIPAL;
      return true;
    }
    const principal = await this.apiKeys.authenticate(token);
    if (!principal) throw new AuthError('UNAUTHENTICATED', 'the bearer token is not valid');
    req.principal = principal;
    return true;
  }
}

/** The authenticated principal of the request (set by BearerAuthGuard). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new AuthError('UNAUTHENTICATED', 'not authenticated');
  return principal;
});
