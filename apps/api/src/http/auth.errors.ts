export type AuthErrorCode = 'UNAUTHENTICATED';

/** Raised by the auth guard; mapped to 401 with WWW-Authenticate. */
export class AuthError extends Error {
  override readonly name = 'AuthError';

  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
  }
}
