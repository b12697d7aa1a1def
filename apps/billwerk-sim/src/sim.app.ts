import { createLogger } from '@app/observability';
import { createPlatformApp, PROBLEM_CONTENT_TYPE, problemBody } from '@app/platform';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { SimConfig } from './config/sim.config';
import type { FaultInjector } from './faults/fault-injector';
import { SimRuntime } from './sim-runtime';
import { SimModule } from './sim.module';

/** Builds the simulator (not listening yet); tests, main.ts and the CLI share it. */
export async function createSimApp(
  config: SimConfig,
  logger: Logger = createLogger('billwerk-sim', config.logLevel),
): Promise<NestFastifyApplication> {
  const runtime = new SimRuntime(config, logger);
  // billwerk's token URL ends in a slash (`/oauth/token/`); accept both spellings. Nest parses
  // its form body (application/x-www-form-urlencoded) itself.
  const adapter = new FastifyAdapter({
    logger: false,
    routerOptions: { ignoreTrailingSlash: true },
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRequest', (request, reply) => injectFault(runtime.faults, request, reply));
  // Simulator time runs ahead of the wall clock after /sim/clock/advance: say which "now" an answer is from.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    void reply.header('x-sim-now', runtime.clock.now().toISOString());
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    // The API calls are what a demo watches; control calls are noise at info level.
    const level =
      request.url.startsWith('/sim/') || request.url.startsWith('/health/') ? 'debug' : 'info';
    logger[level](
      {
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request served',
    );
    done();
  });
  fastify.addHook('onClose', (_instance, done) => {
    runtime.sender.close();
    done();
  });

  const app = await createPlatformApp(SimModule.forRoot(runtime, logger), logger, { adapter });
  if (!config.webhook.target) {
    logger.warn(
      'no SIM_WEBHOOK_URL configured: hooks are recorded in /sim/deliveries but not sent',
    );
  }
  return app;
}

/** `POST /sim/faults` makes the next requests to the API or token endpoint slow or failing. */
async function injectFault(
  faults: FaultInjector,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const scope = request.url.startsWith('/api/')
    ? 'api'
    : request.url.startsWith('/oauth/token')
      ? 'token'
      : undefined;
  const fault = scope && faults.take(scope);
  if (!fault) return;
  if (fault.delayMs !== undefined) await delay(fault.delayMs, request);
  if (fault.status === undefined) return;
  if (fault.retryAfterSeconds !== undefined) {
    void reply.header('retry-after', String(fault.retryAfterSeconds));
  }
  await reply
    .code(fault.status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(problemBody({ status: fault.status, detail: 'simulated fault (POST /sim/faults)' }));
}

/** Holds the request, but not past the client giving up (so shutdown is not held up either). */
async function delay(ms: number, request: FastifyRequest): Promise<void> {
  const gone = new AbortController();
  const socket = request.raw.socket;
  const abort = (): void => gone.abort();
  socket.once('close', abort);
  try {
    await sleep(ms, undefined, { signal: gone.signal });
  } catch (error) {
    if (!gone.signal.aborted) throw error;
  } finally {
    socket.off('close', abort);
  }
}
