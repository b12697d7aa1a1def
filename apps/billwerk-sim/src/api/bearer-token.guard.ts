import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { SimUnauthorizedError } from '../domain/sim-errors';
import { TokenIssuer } from '../oauth/token-issuer';

/** The API answers only bearers of a live token from `/oauth/token/`, like billwerk. */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(private readonly tokens: TokenIssuer) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!this.tokens.verify(request.headers.authorization)) {
      throw new SimUnauthorizedError('a valid bearer token from POST /oauth/token/ is required');
    }
    return true;
  }
}
