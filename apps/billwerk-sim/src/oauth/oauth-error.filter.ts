import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { TokenRequestError } from './token-issuer';

/** OAuth2 clients expect RFC 6749's error body from the token endpoint, not problem details. */
@Catch(TokenRequestError)
export class OAuthErrorFilter implements ExceptionFilter {
  catch(error: TokenRequestError, host: ArgumentsHost): void {
    void host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .status(error.status)
      .send({ error: error.oauthError, error_description: error.message });
  }
}
