import {
  createDataSource,
  grantAppRole,
  pendingMigrations,
  runMigrationsLocked,
  type AppRoleGrants,
  type DatabaseSettings,
} from '@app/persistence';
import type { DataSource } from 'typeorm';
import type { AuditMigrationSettings } from '../config/audit.config';
import { AuditEventEntity } from './audit-event.entity';
import { AUDIT_MIGRATIONS } from './migrations';

/** Replicas of the audit app share this lock name while migrating. */
export const AUDIT_MIGRATION_LOCK = 'billwerk-bridge:audit:migrations';

/**
 * Everything the app role gets: it reads and appends audit rows (the identity column needs no
 * sequence grant) and reads which migrations ran. A table a new migration adds goes here.
 */
export const AUDIT_APP_TABLES: AppRoleGrants['tables'] = {
  audit_events: ['SELECT', 'INSERT'],
  migrations: ['SELECT'],
};

/** The schema lacks migrations this code needs; the app would fail on its first query. */
export class AuditSchemaOutdatedError extends Error {
  readonly code = 'AUDIT_SCHEMA_OUTDATED';
  constructor(readonly pending: string[]) {
    super(
      `the audit schema lacks ${pending.length} migration(s) (${pending.join(', ')}), or this role may not read its migrations table: run npm run migration:run as the owner role with AUDIT_APP_ROLE naming this role`,
    );
  }
}

export function createAuditDataSource(settings: DatabaseSettings): DataSource {
  return createDataSource(settings, {
    entities: [AuditEventEntity],
    migrations: AUDIT_MIGRATIONS,
  });
}

/**
 * Connects. `migrate: true` brings the schema up to date first on this same connection (one
 * role for everything: SQLite, tests); `false` checks that nothing is pending instead.
 */
export async function openAuditDatabase(
  settings: DatabaseSettings,
  options: { migrate: boolean },
): Promise<{ dataSource: DataSource; migrations: string[] }> {
  const dataSource = createAuditDataSource(settings);
  await dataSource.initialize();
  try {
    if (options.migrate) {
      return {
        dataSource,
        migrations: await runMigrationsLocked(dataSource, AUDIT_MIGRATION_LOCK),
      };
    }
    const pending = await pendingMigrations(dataSource);
    if (pending.length > 0) throw new AuditSchemaOutdatedError(pending);
    return { dataSource, migrations: [] };
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}

/**
 * Runs pending migrations as the migration role (under the advisory lock), then, when an app
 * role is configured, grants it exactly AUDIT_APP_TABLES; closes its connection. Returns the
 * migrations it ran.
 */
export async function migrateAuditDatabase(settings: AuditMigrationSettings): Promise<string[]> {
  const dataSource = createAuditDataSource(settings.database);
  await dataSource.initialize();
  try {
    const { appRole } = settings;
    return await runMigrationsLocked(
      dataSource,
      AUDIT_MIGRATION_LOCK,
      appRole
        ? (runner) => grantAppRole(runner, { role: appRole, tables: AUDIT_APP_TABLES })
        : undefined,
    );
  } finally {
    await dataSource.destroy();
  }
}
