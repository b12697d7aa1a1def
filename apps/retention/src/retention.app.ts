import { createLogger, PinoNestLogger } from '@app/observability';
import { describeDatabase } from '@app/persistence';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import type { RetentionConfig } from './config/retention.config';
import { openRetentionStore } from './persistence/retention-store';
import { RetentionModule } from './retention.module';

/** Builds retention (not listening yet): opens and migrates the store, then wires Nest. */
export async function createRetentionApp(
  config: RetentionConfig,
  logger: Logger = createLogger('retention', config.logLevel),
): Promise<NestFastifyApplication> {
  const store = await openRetentionStore(config.database);
  logger.info({ database: describeDatabase(config.database) }, 'retention store ready');
  try {
    const app = await NestFactory.create<NestFastifyApplication>(
      RetentionModule.forRoot(config, logger, store),
      new FastifyAdapter({ logger: false, return503OnClosing: true }),
      { logger: new PinoNestLogger(logger.child({ component: 'nest' })), abortOnError: false },
    );
    app.useGlobalPipes(
      new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true }),
    );
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('billwerk-bridge retention')
        .setDescription('Retention cases (win-back, payment recovery, trial conversion)')
        .setVersion('1')
        .addBearerAuth()
        .build(),
    );
    SwaggerModule.setup('docs', app, document);
    if (config.apiTokens.length === 0) {
      logger.warn('no RETENTION_API_TOKENS configured: the case API is open (development only)');
    }
    return app;
  } catch (error) {
    await store.close();
    throw error;
  }
}
