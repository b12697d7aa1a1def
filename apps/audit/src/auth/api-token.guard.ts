import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiTokens } from './api-tokens';

/** No valid bearer token was presented. */
export class UnauthorizedApiCallError extends Error {
  readonly code = 'UNAUTHORIZED';
  constructor() {
    super('a valid bearer token is required (Authorization: Bearer <token>)');
  }
}

@Injectable()
export class ApiTokenGuard implements CanActivate {
  constructor(private readonly tokens: ApiTokens) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!this.tokens.accepts(request.headers.authorization)) throw new UnauthorizedApiCallError();
    return true;
  }
}
