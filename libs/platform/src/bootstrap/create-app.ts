import { PinoNestLogger, traceHttpRequests } from '@app/observability';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { requestValidationPipe } from '../errors/validation';

export interface CreateAppOptions {
  /** Default: Fastify that answers 503 while closing. */
  adapter?: FastifyAdapter;
  /** OpenAPI at /docs (and /docs-json), with bearer auth. */
  docs?: { title: string; description: string };
}

/**
 * Every app's Nest on Fastify: Nest's own lines in the app's JSON log, start-up errors thrown
 * (not a Nest exit), DTO validation answering 400 problem details, a span per request while
 * tracing is on (health, metrics and docs aside).
 */
export async function createPlatformApp(
  module: DynamicModule,
  logger: Logger,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const adapter =
    options.adapter ?? new FastifyAdapter({ logger: false, return503OnClosing: true });
  traceHttpRequests(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
    abortOnError: false,
  });
  app.useGlobalPipes(requestValidationPipe());
  if (options.docs) {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle(options.docs.title)
        .setDescription(options.docs.description)
        .setVersion('1')
        .addBearerAuth()
        .build(),
    );
    SwaggerModule.setup('docs', app, document);
  }
  return app;
}
