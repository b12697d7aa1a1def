import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorAnswers } from './error-answer';

/** Errors on Nest's routes (health, metrics, unknown paths) answer like the hook endpoint's. */
@Catch()
export class WebhookExceptionFilter implements ExceptionFilter {
  constructor(private readonly answers: ErrorAnswers) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const { status, body, headers } = this.answers.answer(error, {
      requestId: request.id,
      method: request.method,
      route: request.routeOptions?.url,
    });
    void reply.status(status).headers(headers).send(body);
  }
}
