import { createDataSource, runMigrationsLocked, type DatabaseSettings } from '@app/persistence';
import type { DataSource } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity';
import { AUDIT_MIGRATIONS } from './migrations';

/** Replicas of the audit app share this lock name while migrating. */
export const AUDIT_MIGRATION_LOCK = 'billwerk-bridge:audit:migrations';

export function createAuditDataSource(settings: DatabaseSettings): DataSource {
  return createDataSource(settings, {
    entities: [AuditEventEntity],
    migrations: AUDIT_MIGRATIONS,
  });
}

/** Connects and, when asked, brings the schema up to date first (under the advisory lock). */
export async function openAuditDatabase(
  settings: DatabaseSettings,
  options: { migrate: boolean },
): Promise<{ dataSource: DataSource; migrations: string[] }> {
  const dataSource = createAuditDataSource(settings);
  await dataSource.initialize();
  try {
    const migrations = options.migrate
      ? await runMigrationsLocked(dataSource, AUDIT_MIGRATION_LOCK)
      : [];
    return { dataSource, migrations };
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}
