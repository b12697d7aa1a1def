import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { UnauthorizedRequestError } from '../errors/request-errors';
import { BearerTokens } from './bearer-tokens';

export interface BearerAuthOptions {
  /** The app's tokens, from its own setting (AUDIT_API_TOKENS, RETENTION_API_TOKENS). */
  tokens: readonly string[];
  /** Named in the `WWW-Authenticate: Bearer realm="…"` challenge. */
  realm: string;
}

export const BEARER_AUTH = Symbol('BEARER_AUTH');

/** `Authorization: Bearer <token>` with one of the app's tokens, else 401; closed without tokens. */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  private readonly tokens: BearerTokens;
  private readonly realm: string;

  constructor(@Inject(BEARER_AUTH) options: BearerAuthOptions) {
    this.tokens = new BearerTokens(options.tokens);
    this.realm = options.realm;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!this.tokens.accepts(request.headers.authorization)) {
      throw new UnauthorizedRequestError(this.realm);
    }
    return true;
  }
}
