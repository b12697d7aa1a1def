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
  AuditEventNotFoundError,
  InvalidParametersError,
  type ParameterProblem,
} from '../audit-log/audit-log.errors';
import { AUDIT_LOGGER } from '../audit.tokens';
import { UnauthorizedApiCallError } from '../auth/api-token.guard';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  problems?: ParameterProblem[];
}

function body(statusCode: number, message: string): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

/** The one place where audit errors become HTTP answers, always JSON. */
@Catch()
export class AuditExceptionFilter implements ExceptionFilter {
  constructor(@Inject(AUDIT_LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const [status, payload, headers] = this.map(error);
    if (status >= 500) {
      this.logger.error(
        { requestId: request.id, err: error instanceof Error ? error.stack : String(error) },
        'unexpected error',
      );
    } else {
      this.logger.warn(
        { requestId: request.id, method: request.method, status, reason: payload.message },
        'request rejected',
      );
    }
    void reply.status(status).headers(headers).send(payload);
  }

  private map(error: unknown): [number, ErrorBody, Record<string, string>] {
    if (error instanceof InvalidParametersError) {
      return [400, { ...body(400, error.message), problems: error.problems }, {}];
    }
    if (error instanceof UnauthorizedApiCallError) {
      return [401, body(401, error.message), { 'www-authenticate': 'Bearer realm="audit"' }];
    }
    if (error instanceof AuditEventNotFoundError) {
      return [404, body(404, error.message), {}];
    }
    if (error instanceof HttpException) {
      return [error.getStatus(), body(error.getStatus(), error.message), {}];
    }
    return [500, body(500, 'internal error'), {}];
  }
}
