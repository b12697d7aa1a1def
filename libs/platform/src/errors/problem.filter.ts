import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { PROBLEM_CONTENT_TYPE, problemBody, type ProblemMapper } from './problem-details';
import { answerProblem } from './problems';

/** The one place where errors on Nest's routes become answers: RFC 9457 problem details. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly mapper: ProblemMapper | undefined,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const problem = answerProblem(error, this.mapper, this.logger, {
      requestId: request.id,
      method: request.method,
      route: request.routeOptions?.url,
    });
    void reply
      .status(problem.status)
      .headers({ ...problem.headers, 'content-type': PROBLEM_CONTENT_TYPE })
      .send(problemBody(problem));
  }
}
