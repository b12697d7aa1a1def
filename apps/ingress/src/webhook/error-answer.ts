import {
  PublishError,
  PublisherClosedError,
  PublishQueueBytesFullError,
  PublishQueueFullError,
} from '@app/messaging';
import { HttpException, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { INGRESS_LOGGER } from '../ingress.tokens';
import { IngressMetrics } from '../metrics/ingress-metrics';
import { errorBody, type ErrorBody } from './error-body';
import {
  BodyTimeoutError,
  BodyTooLargeError,
  InvalidHookError,
  InvalidJsonBodyError,
  MethodNotAllowedError,
  UnauthorizedHookError,
  UnsupportedMediaTypeError,
} from './hook-errors';

export interface ErrorAnswer {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

export interface RequestSummary {
  requestId: string;
  method: string | undefined;
  route: string | undefined;
}

/**
 * The one place where ingress errors become HTTP answers, for the hook endpoint and for Nest's
 * routes alike: status, a body naming the problem, headers, the metric and the log line.
 */
@Injectable()
export class ErrorAnswers {
  constructor(
    @Inject(INGRESS_LOGGER) private readonly logger: Logger,
    private readonly metrics: IngressMetrics,
  ) {}

  answer(error: unknown, request: RequestSummary): ErrorAnswer {
    const answer = this.map(error);
    if (answer.status >= 500 && !(error instanceof PublishError)) {
      this.logger.error(
        { requestId: request.requestId, err: error instanceof Error ? error.stack : String(error) },
        'unexpected error',
      );
    } else if (answer.status < 500) {
      this.logger.warn(
        { ...request, status: answer.status, reason: answer.body.message },
        'request rejected',
      );
    }
    return answer;
  }

  private map(error: unknown): ErrorAnswer {
    const plain = (status: number, message: string, headers: Record<string, string> = {}) => ({
      status,
      body: errorBody(status, message),
      headers,
    });
    if (error instanceof InvalidJsonBodyError) return plain(400, error.message);
    if (error instanceof InvalidHookError) {
      this.metrics.hooks.inc({ event: 'invalid', source: 'authenticated', outcome: 'invalid' });
      return {
        status: 400,
        body: {
          ...errorBody(400, `invalid billwerk hook: ${error.message}`),
          problems: error.problems,
        },
        headers: {},
      };
    }
    if (error instanceof UnauthorizedHookError) {
      this.metrics.hooks.inc({ event: 'unknown', source: 'unknown', outcome: 'unauthorized' });
      return plain(401, error.message, {
        'www-authenticate': 'Basic realm="billwerk-hook", charset="UTF-8"',
      });
    }
    if (error instanceof MethodNotAllowedError) return plain(405, error.message, { allow: 'POST' });
    // The rest of an oversized or late body is not read: close rather than reuse the connection.
    if (error instanceof BodyTooLargeError)
      return plain(413, error.message, { connection: 'close' });
    if (error instanceof BodyTimeoutError)
      return plain(408, error.message, { connection: 'close' });
    if (error instanceof UnsupportedMediaTypeError) return plain(415, error.message);
    if (
      error instanceof PublishQueueFullError ||
      error instanceof PublishQueueBytesFullError ||
      error instanceof PublisherClosedError
    ) {
      return plain(503, `hook not stored, retry later: ${error.message}`, { 'retry-after': '1' });
    }
    // Kafka's own errors name hosts and ports: they go to the log (webhook.service), not the caller.
    if (error instanceof PublishError) {
      return plain(503, 'hook not stored, retry later: Kafka is unavailable', {
        'retry-after': '5',
      });
    }
    if (error instanceof HttpException) return plain(error.getStatus(), error.message);
    return plain(500, 'internal error');
  }
}
