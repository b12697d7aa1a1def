import { createLogger } from '@app/observability';
import { describeDatabase } from '@app/persistence';
import { createPlatformApp } from '@app/platform';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
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
    const app = await createPlatformApp(RetentionModule.forRoot(config, logger, store), logger, {
      docs: {
        title: 'billwerk-bridge retention',
        description: 'Retention cases (win-back, payment recovery, trial conversion)',
      },
    });
    if (config.apiTokens.length === 0) {
      logger.warn('no RETENTION_API_TOKENS configured: the case API refuses every call');
    }
    return app;
  } catch (error) {
    await store.close();
    throw error;
  }
}
