import { createDataSource, runMigrationsLocked, type DatabaseSettings } from '@app/persistence';
import type { DataSource } from 'typeorm';
import { PendingHookEntity } from '../intake/pending-hook.entity';
import { OutboxEntity } from '../outbox/outbox.entity';
import { CaseEventEntity } from '../retention-case/case-event.entity';
import { RetentionCaseEntity } from '../retention-case/retention-case.entity';
import { TriggerEntity } from '../retention-case/trigger.entity';
import { RetentionSchema1764090000000 } from './migrations/1764090000000-retention-schema';
import { OutboxClaim1764950000000 } from './migrations/1764950000000-outbox-claim';
import { OutboxTraceparent1765200000000 } from './migrations/1765200000000-outbox-traceparent';

export const RETENTION_ENTITIES = [
  RetentionCaseEntity,
  CaseEventEntity,
  TriggerEntity,
  OutboxEntity,
  PendingHookEntity,
];

export const RETENTION_MIGRATIONS = [
  RetentionSchema1764090000000,
  OutboxClaim1764950000000,
  OutboxTraceparent1765200000000,
];

/** Replicas starting together wait on this Postgres advisory lock instead of racing migrations. */
const MIGRATION_LOCK = 'billwerk-bridge:retention:migrations';

/** Opens the retention store and brings its schema up to date. */
export async function openRetentionStore(settings: DatabaseSettings): Promise<DataSource> {
  const dataSource = createDataSource(settings, {
    entities: RETENTION_ENTITIES,
    migrations: RETENTION_MIGRATIONS,
  });
  await dataSource.initialize();
  try {
    await runMigrationsLocked(dataSource, MIGRATION_LOCK);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
