import { BillwerkApiError } from '@app/billwerk-api';
import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CaseConflictError, CaseNotFoundError } from './retention-case.errors';

/** The one place case errors become HTTP answers. */
@Catch(CaseNotFoundError, CaseConflictError, BillwerkApiError)
export class RetentionCaseExceptionFilter implements ExceptionFilter {
  catch(
    error: CaseNotFoundError | CaseConflictError | BillwerkApiError,
    host: ArgumentsHost,
  ): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let status: number;
    if (error instanceof CaseNotFoundError) status = HttpStatus.NOT_FOUND;
    else if (error instanceof CaseConflictError) status = HttpStatus.CONFLICT;
    else status = error.transient ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.BAD_GATEWAY;
    void reply
      .status(status)
      .send({ statusCode: status, error: error.code, message: error.message });
  }
}
