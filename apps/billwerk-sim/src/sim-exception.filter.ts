import {
  Catch,
  HttpException,
  Inject,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Logger } from 'pino';
import {
  SimBadRequestError,
  SimConflictError,
  SimError,
  SimInvalidFieldsError,
  SimNotFoundError,
  SimUnauthorizedError,
} from './domain/sim-errors';
import { TokenRequestError } from './oauth/token-issuer';
import { SIM_LOGGER } from './sim.tokens';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  problems?: string[];
}

/** The one place where simulator errors become HTTP answers. */
@Catch()
export class SimExceptionFilter implements ExceptionFilter {
  constructor(@Inject(SIM_LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    if (error instanceof TokenRequestError) {
      // OAuth2 clients expect RFC 6749's error body from the token endpoint.
      void reply
        .status(error.status)
        .send({ error: error.oauthError, error_description: error.message });
      return;
    }
    const [status, payload] = this.map(error);
    if (status >= 500) {
      this.logger.error(
        { url: request.url, err: error instanceof Error ? error.stack : String(error) },
        'unexpected error',
      );
    } else {
      this.logger.debug(
        { method: request.method, url: request.url, status, reason: payload.message },
        'request rejected',
      );
    }
    const headers: Record<string, string> =
      status === 401 ? { 'www-authenticate': 'Bearer realm="billwerk-sim"' } : {};
    void reply.status(status).headers(headers).send(payload);
  }

  private map(error: unknown): [number, ErrorBody] {
    if (error instanceof SimError) {
      const status = statusOf(error);
      const payload = body(status, error.message);
      if (error instanceof SimInvalidFieldsError) payload.problems = error.problems;
      return [status, payload];
    }
    if (error instanceof HttpException) {
      return [error.getStatus(), body(error.getStatus(), error.message)];
    }
    return [500, body(500, 'internal error')];
  }
}

function statusOf(error: SimError): number {
  if (error instanceof SimNotFoundError) return 404;
  if (error instanceof SimInvalidFieldsError) return 422;
  if (error instanceof SimBadRequestError) return 400;
  if (error instanceof SimUnauthorizedError) return 401;
  if (error instanceof SimConflictError) return 409;
  return 500;
}

function body(statusCode: number, message: string): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}
