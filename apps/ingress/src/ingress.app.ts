import { createLogger, PinoNestLogger } from '@app/observability';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RawServerDefault } from 'fastify';
import type { Logger } from 'pino';
import type { IngressConfig } from './config/ingress.config';
import { IngressModule } from './ingress.module';
import { HookAuthenticator } from './webhook/hook-authenticator';
import { parseHookJson } from './webhook/hook-json';
import { refuseOtherMethodsOnHookPath } from './webhook/method-guard';

/** billwerk hooks are a few hundred bytes; 64 KiB leaves room for growth and stops abuse. */
export const MAX_BODY_BYTES = 64 * 1024;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the ingress (not listening yet); tests and main.ts share it. */
export async function createIngressApp(
  config: IngressConfig,
  logger: Logger = createLogger('ingress', config.logLevel),
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    logger: false,
    return503OnClosing: true,
    genReqId: (request: IncomingMessage) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const fastify = adapter.getInstance();
  // Only JSON is a hook: without its text/plain parser Fastify answers 415 for everything else.
  fastify.removeAllContentTypeParsers();
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  refuseOtherMethodsOnHookPath(fastify);

  const app = await NestFactory.create<NestFastifyApplication>(
    IngressModule.forRoot(config, logger),
    adapter,
    {
      logger: new PinoNestLogger(logger.child({ component: 'nest' })),
      abortOnError: false,
      rawBody: true,
    },
  );
  app.useBodyParser<RawServerDefault>(
    'application/json',
    { bodyLimit: MAX_BODY_BYTES },
    (_request, raw, done) => {
      try {
        done(null, parseHookJson(raw.toString('utf8')));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );

  if (app.get(HookAuthenticator).open) {
    logger.warn(
      'no INGRESS_BASIC_AUTH or INGRESS_PATH_TOKENS configured: accepting unauthenticated hooks (development only)',
    );
  }
  return app;
}
