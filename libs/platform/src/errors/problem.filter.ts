import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { PROBLEM_CONTENT_TYPE, problemBody, type ProblemMapper } from './problem-details';
import { problemOf } from './problems';

/**
 * The one place where errors on Nest's routes become answers: RFC 9457 problem details. 4xx are
 * logged as rejected requests, unknown errors with their stack; a known 5xx was logged where it
 * happened.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly mapper: ProblemMapper | undefined,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const { problem, known } = problemOf(error, this.mapper);
    if (!known) {
      this.logger.error(
        { requestId: request.id, err: error instanceof Error ? error.stack : String(error) },
        'unexpected error',
      );
    } else if (problem.status < 500) {
      this.logger.warn(
        {
          requestId: request.id,
          method: request.method,
          route: request.routeOptions?.url,
          status: problem.status,
          reason: problem.detail,
        },
        'request rejected',
      );
    }
    void reply
      .status(problem.status)
      .headers({ ...problem.headers, 'content-type': PROBLEM_CONTENT_TYPE })
      .send(problemBody(problem));
  }
}
