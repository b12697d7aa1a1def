import 'reflect-metadata';
import { exitOnStartupError } from '@app/config';
import { createLogger } from '@app/observability';
import { describeDatabase } from '@app/persistence';
import { loadRetentionDatabaseConfig } from './config/retention.config';
import { openRetentionStore } from './persistence/retention-store';

/**
 * `npm run migration:run:retention`: brings the retention schema up to date as an explicit step
 * (the app still migrates at start, under the same advisory lock, so either order is safe).
 */
async function migrate(): Promise<void> {
  const config = loadRetentionDatabaseConfig(process.env);
  const logger = createLogger('retention-migrate', config.logLevel);
  const store = await openRetentionStore(config.database);
  await store.close();
  logger.info({ database: describeDatabase(config.database) }, 'retention schema up to date');
}

migrate().catch((error: unknown) => exitOnStartupError('retention migration', error));
