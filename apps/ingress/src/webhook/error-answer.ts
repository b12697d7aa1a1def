import {
  PublishError,
  PublisherClosedError,
  PublishQueueBytesFullError,
  PublishQueueFullError,
} from '@app/messaging';
import {
  answerProblem,
  problemBody,
  type Problem,
  type ProblemDetails,
  type RequestSummary,
} from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { INGRESS_LOGGER } from '../ingress.tokens';
import { IngressMetrics } from '../metrics/ingress-metrics';
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
  body: ProblemDetails;
  headers: Record<string, string>;
}

/** The ingress's errors as problems, for the hook endpoint and Nest's routes alike. */
export function hookProblem(error: unknown): Problem | undefined {
  if (error instanceof InvalidJsonBodyError) {
    return { status: 400, detail: error.message, code: error.code };
  }
  if (error instanceof InvalidHookError) {
    return {
      status: 400,
      detail: `invalid billwerk hook: ${error.message}`,
      code: error.code,
      errors: error.problems.map(({ field, problem }) => ({ field, detail: problem })),
    };
  }
  if (error instanceof UnauthorizedHookError) {
    return {
      status: 401,
      detail: error.message,
      code: error.code,
      headers: { 'www-authenticate': 'Basic realm="billwerk-hook", charset="UTF-8"' },
    };
  }
  if (error instanceof MethodNotAllowedError) {
    return { status: 405, detail: error.message, code: error.code, headers: { allow: 'POST' } };
  }
  // The rest of an oversized or late body is not read: close rather than reuse the connection.
  if (error instanceof BodyTooLargeError || error instanceof BodyTimeoutError) {
    return {
      status: error instanceof BodyTooLargeError ? 413 : 408,
      detail: error.message,
      code: error.code,
      headers: { connection: 'close' },
    };
  }
  if (error instanceof UnsupportedMediaTypeError) {
    return { status: 415, detail: error.message, code: error.code };
  }
  if (
    error instanceof PublishQueueFullError ||
    error instanceof PublishQueueBytesFullError ||
    error instanceof PublisherClosedError
  ) {
    return {
      status: 503,
      detail: `hook not stored, retry later: ${error.message}`,
      headers: { 'retry-after': '1' },
    };
  }
  // Kafka's own errors name hosts and ports: they go to the log (webhook.service), not the caller.
  if (error instanceof PublishError) {
    return {
      status: 503,
      detail: 'hook not stored, retry later: Kafka is unavailable',
      headers: { 'retry-after': '5' },
    };
  }
  return undefined;
}

/**
 * The hook endpoint's errors as answers: the problem, the metric and the log line. (Nest's
 * routes answer through the platform's ProblemFilter with the same `hookProblem`.)
 */
@Injectable()
export class ErrorAnswers {
  constructor(
    @Inject(INGRESS_LOGGER) private readonly logger: Logger,
    private readonly metrics: IngressMetrics,
  ) {}

  answer(error: unknown, request: RequestSummary): ErrorAnswer {
    if (error instanceof InvalidHookError) {
      this.metrics.hooks.inc({ event: 'invalid', source: 'authenticated', outcome: 'invalid' });
    } else if (error instanceof UnauthorizedHookError) {
      this.metrics.hooks.inc({ event: 'unknown', source: 'unknown', outcome: 'unauthorized' });
    }
    const problem = answerProblem(error, hookProblem, this.logger, request);
    return { status: problem.status, body: problemBody(problem), headers: problem.headers ?? {} };
  }
}
