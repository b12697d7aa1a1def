import { NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import pino from 'pino';
import { Writable } from 'node:stream';
import { NotReadyError } from '../health/health-checks';
import { PROBLEM_CONTENT_TYPE, type ProblemMapper } from './problem-details';
import { ProblemFilter } from './problem.filter';
import { UnauthorizedRequestError } from './request-errors';
import { requestValidationPipe } from './validation';

class PageQuery {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;
}

class CaseConflictError extends Error {
  readonly code = 'CASE_CONFLICT';
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

function harness(mapper?: ProblemMapper) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const filter = new ProblemFilter(pino(sink), mapper);
  const answer = (error: unknown): Answer => {
    const result: Answer = { status: 0, headers: {}, body: {} };
    const reply = {
      status(code: number) {
        result.status = code;
        return reply;
      },
      headers(values: Record<string, string>) {
        Object.assign(result.headers, values);
        return reply;
      },
      send(body: Record<string, unknown>) {
        result.body = body;
        return reply;
      },
    };
    const request = { id: 'req-1', method: 'GET', routeOptions: { url: '/x' } };
    const host = {
      switchToHttp: () => ({ getResponse: () => reply, getRequest: () => request }),
    } as unknown as ArgumentsHost;
    filter.catch(error, host);
    return result;
  };
  return { answer, lines };
}

async function validationError(query: Record<string, string>): Promise<unknown> {
  try {
    await requestValidationPipe().transform(query, { type: 'query', metatype: PageQuery });
  } catch (error) {
    return error;
  }
  throw new Error('expected the query to be rejected');
}

describe('ProblemFilter', () => {
  it('answers validation errors 400 with errors[] naming each field', async () => {
    const { answer, lines } = harness();
    const result = answer(await validationError({ limit: '5000', colour: 'red' }));
    expect(result.status).toBe(400);
    expect(result.headers['content-type']).toBe(PROBLEM_CONTENT_TYPE);
    expect(result.body).toEqual({
      type: 'urn:billwerk-bridge:problem:invalid-request',
      title: 'Bad Request',
      status: 400,
      detail: expect.stringContaining('limit: must not be greater than 1000'),
      errors: expect.arrayContaining([
        { field: 'limit', detail: 'must not be greater than 1000' },
        { field: 'colour', detail: 'is not a supported parameter' },
      ]),
    });
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'request rejected', status: 400, requestId: 'req-1' }),
    ]);
  });

  it("keeps an HttpException's status and message", () => {
    const result = harness().answer(new NotFoundException('Cannot GET /nowhere'));
    expect(result.status).toBe(404);
    expect(result.body).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'Cannot GET /nowhere',
    });
  });

  it('challenges a missing bearer token with the realm', () => {
    const result = harness().answer(new UnauthorizedRequestError('audit'));
    expect(result.status).toBe(401);
    expect(result.headers['www-authenticate']).toBe('Bearer realm="audit"');
    expect(result.body.detail).toContain('bearer token');
  });

  it("maps the app's errors first, its code becoming the type", () => {
    const mapper: ProblemMapper = (error) =>
      error instanceof CaseConflictError
        ? { status: 409, detail: error.message, code: error.code }
        : undefined;
    const result = harness(mapper).answer(new CaseConflictError('the case is closed'));
    expect(result.status).toBe(409);
    expect(result.body).toEqual({
      type: 'urn:billwerk-bridge:problem:case-conflict',
      title: 'Conflict',
      status: 409,
      detail: 'the case is closed',
    });
  });

  it('answers readiness 503 with the checks, without logging it as an error', () => {
    const { answer, lines } = harness();
    const result = answer(
      new NotReadyError('not ready: the consumer is unavailable (consumer not joined)', {
        database: 'up',
        consumer: 'not joined',
      }),
    );
    expect(result.status).toBe(503);
    expect(result.body).toMatchObject({
      status: 503,
      detail: 'not ready: the consumer is unavailable (consumer not joined)',
      checks: { database: 'up', consumer: 'not joined' },
    });
    expect(lines).toEqual([]);
  });

  it('answers an unknown error 500 without its message, which goes to the log with the stack', () => {
    const { answer, lines } = harness(() => undefined);
    const result = answer(new Error('connect ECONNREFUSED 10.0.0.7:5432'));
    expect(result.status).toBe(500);
    expect(result.body).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'internal error',
    });
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'unexpected error',
        err: expect.stringContaining('ECONNREFUSED'),
      }),
    ]);
  });
});
