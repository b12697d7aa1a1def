import 'reflect-metadata';
import { exitOnStartupError } from '@app/config';
import { createLogger } from '@app/observability';
import { describeDatabase } from '@app/persistence';
import { openAuditDatabase } from './audit-log/audit-data-source';
import { loadAuditDatabaseConfig } from './config/audit.config';

/** `npm run migration:run`: brings the audit schema up to date as an explicit step. */
async function migrate(): Promise<void> {
  const config = loadAuditDatabaseConfig(process.env);
  const logger = createLogger('audit-migrate', config.logLevel);
  const { dataSource, migrations } = await openAuditDatabase(config.database, { migrate: true });
  await dataSource.destroy();
  logger.info(
    { database: describeDatabase(config.database), migrationsRun: migrations },
    migrations.length > 0 ? 'audit schema migrated' : 'audit schema already up to date',
  );
}

migrate().catch((error: unknown) => exitOnStartupError('audit migration', error));
