import { createLogger } from '@app/observability';
import { createPlatformApp } from '@app/platform';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { IngressConfig } from './config/ingress.config';
import { IngressModule } from './ingress.module';
import { IngressMetrics } from './metrics/ingress-metrics';
import { HookAuthenticator } from './webhook/hook-authenticator';
import { HookEndpoint } from './webhook/hook-endpoint';
import { givenRequestId, MAX_BODY_BYTES } from './webhook/hook-limits';
import { matchHookPath } from './webhook/hook-request';

type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Builds the ingress (not listening yet); tests and main.ts share it. One HTTP server: the hook
 * URL goes straight to HookEndpoint, everything else (health, metrics) through Nest on Fastify.
 */
export async function createIngressApp(
  config: IngressConfig,
  logger: Logger = createLogger('ingress', config.logLevel),
): Promise<NestFastifyApplication> {
  // Filled in once Nest has built them; until then every request goes to Nest.
  const hookRoute: { endpoint?: HookEndpoint; metrics?: IngressMetrics } = {};
  const { limits } = config;
  const adapter = new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    logger: false,
    return503OnClosing: true,
    genReqId: (request: IncomingMessage) =>
      givenRequestId(request.headers['x-request-id']) ?? randomUUID(),
    // Fastify applies none of its timeouts to a server of ours, so they are set here. Node checks
    // the headers and request timeouts every connectionsCheckingInterval (30 s by default).
    serverFactory: (nest: RequestHandler) => {
      const server = createServer(
        {
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          keepAliveTimeout: limits.keepAliveTimeoutMs,
          connectionsCheckingInterval: 500,
        },
        (request, response) => {
          // Node drains an unread body for as long as the client sends it, credentials or not:
          // an answer given before the body was read ends the connection instead.
          response.once('finish', () => {
            if (!request.complete) request.socket.destroy();
          });
          const { endpoint } = hookRoute;
          const path = endpoint === undefined ? undefined : matchHookPath(request.url);
          if (endpoint !== undefined && path !== undefined) {
            void endpoint.handle(request, response, path);
          } else {
            nest(request, response);
          }
        },
      );
      server.maxConnections = limits.maxConnections;
      server.on('drop', () => hookRoute.metrics?.connectionsDropped.inc());
      return server;
    },
  });
  const fastify = adapter.getInstance();
  // No Nest route takes a body; refusing every content type keeps it that way.
  fastify.removeAllContentTypeParsers();
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  const app = await createPlatformApp(IngressModule.forRoot(config, logger), logger, { adapter });
  const endpoint = app.get(HookEndpoint);
  hookRoute.endpoint = endpoint;
  hookRoute.metrics = app.get(IngressMetrics);
  fastify.addHook('preClose', (done) => {
    endpoint.beginShutdown();
    done();
  });

  if (app.get(HookAuthenticator).open) {
    logger.warn(
      'no INGRESS_BASIC_AUTH or INGRESS_PATH_TOKENS configured: accepting unauthenticated hooks (development only)',
    );
  }
  return app;
}
