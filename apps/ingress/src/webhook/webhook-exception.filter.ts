import { PublishError, PublishQueueFullError } from '@app/messaging';
import {
  Catch,
  HttpException,
  Inject,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { INGRESS_LOGGER } from '../ingress.tokens';
import { IngressMetrics } from '../metrics/ingress-metrics';
import { UnauthorizedHookError } from './hook-auth.guard';
import { errorBody as body, type ErrorBody } from './error-body';
import { InvalidHookError, InvalidJsonBodyError } from './hook-errors';

/** Fastify's own 413 and 415 say only their status text; these say what to change. */
const CLIENT_ERROR_MESSAGES: Record<number, (request: FastifyRequest) => string> = {
  413: () => 'request body exceeds the 64 KiB limit',
  415: (request) =>
    `Content-Type must be application/json (got ${request.headers['content-type'] ?? 'none'})`,
};

/** The one place where ingress errors become HTTP answers. */
@Catch()
export class WebhookExceptionFilter implements ExceptionFilter {
  constructor(
    @Inject(INGRESS_LOGGER) private readonly logger: Logger,
    private readonly metrics: IngressMetrics,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const [status, payload, headers] = this.map(error, request);
    if (status >= 500 && !(error instanceof PublishError)) {
      this.logger.error(
        { requestId: request.id, err: error instanceof Error ? error.stack : String(error) },
        'unexpected error',
      );
    } else if (status < 500) {
      this.logger.warn(
        {
          requestId: request.id,
          method: request.method,
          route: request.routeOptions?.url,
          status,
          reason: payload.message,
        },
        'request rejected',
      );
    }
    void reply.status(status).headers(headers).send(payload);
  }

  private map(
    error: unknown,
    request: FastifyRequest,
  ): [number, ErrorBody, Record<string, string>] {
    if (error instanceof InvalidJsonBodyError) {
      return [400, body(400, error.message), {}];
    }
    if (error instanceof InvalidHookError) {
      this.metrics.hooks.inc({ event: 'invalid', source: 'authenticated', outcome: 'invalid' });
      return [
        400,
        { ...body(400, `invalid billwerk hook: ${error.message}`), problems: error.problems },
        {},
      ];
    }
    if (error instanceof UnauthorizedHookError) {
      this.metrics.hooks.inc({ event: 'unknown', source: 'unknown', outcome: 'unauthorized' });
      return [
        401,
        body(401, error.message),
        { 'www-authenticate': 'Basic realm="billwerk-hook", charset="UTF-8"' },
      ];
    }
    if (error instanceof PublishError) {
      const retryAfter = error instanceof PublishQueueFullError ? '1' : '5';
      return [
        503,
        body(503, `hook not stored, retry later: ${error.message}`),
        { 'retry-after': retryAfter },
      ];
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const message = CLIENT_ERROR_MESSAGES[status]?.(request) ?? error.message;
      return [status, body(status, message), {}];
    }
    return [500, body(500, 'internal error'), {}];
  }
}
