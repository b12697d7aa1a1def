import { createLogger } from '@app/observability';
import { describeDatabase } from '@app/persistence';
import { createPlatformApp } from '@app/platform';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { checkAuditDatabaseRole } from './audit-log/audit-database-role';
import { migrateAuditDatabase, openAuditDatabase } from './audit-log/audit-data-source';
import { AuditModule } from './audit.module';
import type { AuditConfig } from './config/audit.config';

/**
 * Migrates the database as the migration role unless told not to, opens it as the app's role
 * (checking the schema is current and the role cannot rewrite the log) and builds the app, not
 * listening.
 */
export async function createAuditApp(
  config: AuditConfig,
  logger: Logger = createLogger('audit', config.logLevel),
): Promise<NestFastifyApplication> {
  const migrations = config.migrateOnStart ? await migrateAuditDatabase(config.migration) : [];
  const { dataSource } = await openAuditDatabase(config.database, { migrate: false });
  try {
    await checkAuditDatabaseRole(dataSource, config.production, logger);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  logger.info(
    { database: describeDatabase(config.database), migrationsRun: migrations },
    'audit database open',
  );
  if (config.chain.devKey) {
    logger.warn(
      { chainKeyId: config.chain.keys.active.id },
      'AUDIT_CHAIN_KEY is unset: chaining with the published development key, which proves nothing against a rewriter (production refuses to start without a key)',
    );
  }
  return createPlatformApp(AuditModule.forRoot(config, logger, dataSource), logger, {
    docs: {
      title: 'billwerk-bridge audit log',
      description: 'Every billwerk event as stored, append-only and hash-chained',
    },
  });
}
