import { HttpException } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Problem, ProblemMapper } from './problem-details';
import { InvalidRequestError, UnauthorizedRequestError } from './request-errors';
import { NotReadyError } from '../health/health-checks';

/** The platform's own errors, Nest's HttpExceptions (404 route, 405...), or undefined. */
function platformProblem(error: unknown): Problem | undefined {
  if (error instanceof InvalidRequestError) {
    return { status: 400, detail: error.message, code: error.code, errors: error.errors };
  }
  if (error instanceof UnauthorizedRequestError) {
    return {
      status: 401,
      detail: error.message,
      code: error.code,
      headers: { 'www-authenticate': `Bearer realm="${error.realm}"` },
    };
  }
  if (error instanceof NotReadyError) {
    return { status: 503, detail: error.message, extensions: { checks: error.checks } };
  }
  if (error instanceof HttpException) return { status: error.getStatus(), detail: error.message };
  return undefined;
}

/** Reported as 500 without a word about the cause (that goes to the log). */
export const INTERNAL_PROBLEM: Problem = { status: 500, detail: 'internal error' };

/**
 * The app's mapper first, then the platform's errors; anything else is a 500. `known` tells the
 * caller whether the error was expected (an unknown one is logged with its stack).
 */
export function problemOf(
  error: unknown,
  mapper: ProblemMapper | undefined,
): { problem: Problem; known: boolean } {
  const problem = mapper?.(error) ?? platformProblem(error);
  return problem === undefined
    ? { problem: INTERNAL_PROBLEM, known: false }
    : { problem, known: true };
}

export interface RequestSummary {
  requestId: string;
  method: string | undefined;
  route: string | undefined;
}

/**
 * The problem for `error`, logged: 4xx as a rejected request, an unknown error with its stack; a
 * known 5xx was logged where it happened (and a Kafka outage must not log once per request).
 */
export function answerProblem(
  error: unknown,
  mapper: ProblemMapper | undefined,
  logger: Logger,
  request: RequestSummary,
): Problem {
  const { problem, known } = problemOf(error, mapper);
  if (!known) {
    logger.error(
      { requestId: request.requestId, err: error instanceof Error ? error.stack : String(error) },
      'unexpected error',
    );
  } else if (problem.status < 500) {
    logger.warn({ ...request, status: problem.status, reason: problem.detail }, 'request rejected');
  }
  return problem;
}
