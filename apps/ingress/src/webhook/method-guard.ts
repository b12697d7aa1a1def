import type { FastifyInstance } from 'fastify';
import { errorBody } from './error-body';

/** The hook URL, with or without a path token. */
const HOOK_PATH = /^\/billwerk-hook(\/[^/?]*)?\/?(\?.*)?$/;

/**
 * Answers any method but POST on the hook URL with 405 before the body is read, so a GET or a
 * DELETE is told what to use rather than "not found" or a body-parsing error.
 */
export function refuseOtherMethodsOnHookPath(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.method === 'POST' || !HOOK_PATH.test(request.url)) return done();
    void reply
      .status(405)
      .header('allow', 'POST')
      .send(errorBody(405, `${request.method} is not allowed on /billwerk-hook; use POST`));
  });
}
