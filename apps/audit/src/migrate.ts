import 'reflect-metadata';
import { exitOnStartupError } from '@app/config';
import { createLogger } from '@app/observability';
import { describeDatabase } from '@app/persistence';
import { migrateAuditDatabase } from './audit-log/audit-data-source';
import { loadAuditDatabaseConfig } from './config/audit.config';

/**
 * `npm run migration:run`: brings the audit schema up to date as an explicit step, as the owner
 * role (AUDIT_MIGRATION_DATABASE_URL, else DATABASE_URL), and grants AUDIT_APP_ROLE its rights.
 */
async function migrate(): Promise<void> {
  const config = loadAuditDatabaseConfig(process.env);
  const logger = createLogger('audit-migrate', config.logLevel);
  const migrations = await migrateAuditDatabase(config.migration);
  logger.info(
    {
      database: describeDatabase(config.migration.database),
      migrationsRun: migrations,
      appRole: config.migration.appRole ?? null,
    },
    migrations.length > 0 ? 'audit schema migrated' : 'audit schema already up to date',
  );
}

migrate().catch((error: unknown) => exitOnStartupError('audit migration', error));
