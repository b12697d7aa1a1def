import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { HookAuthenticator } from './hook-authenticator';

/** No valid credential was presented; nothing is published. */
export class UnauthorizedHookError extends Error {
  readonly code = 'UNAUTHORIZED';
  constructor() {
    super('valid HTTP Basic credentials or a valid path token are required');
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The billwerk account the hook authenticated as. */
    hookSource?: string;
  }
}

@Injectable()
export class HookAuthGuard implements CanActivate {
  constructor(private readonly authenticator: HookAuthenticator) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context
      .switchToHttp()
      .getRequest<FastifyRequest<{ Params: { token?: string } }>>();
    const source = this.authenticator.authenticate({
      authorization: request.headers.authorization,
      pathToken: request.params.token,
    });
    if (source === undefined) throw new UnauthorizedHookError();
    request.hookSource = source;
    return true;
  }
}
