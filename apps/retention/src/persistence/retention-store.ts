import {
  createDataSource,
  databaseKind,
  runMigrationsLocked,
  type DatabaseSettings,
} from '@app/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { CaseStore } from './case-store';
import { CaseEventEntity } from './entities/case-event.entity';
import { OutboxEntity } from './entities/outbox.entity';
import { PendingHookEntity } from './entities/pending-hook.entity';
import { RetentionCaseEntity } from './entities/retention-case.entity';
import { TriggerEntity } from './entities/trigger.entity';
import { RetentionSchema1764090000000 } from './migrations/1764090000000-retention-schema';
import { OutboxClaim1764950000000 } from './migrations/1764950000000-outbox-claim';
import { OutboxTraceparent1765200000000 } from './migrations/1765200000000-outbox-traceparent';
import { OutboxStore } from './outbox-store';
import { ParkedHookStore } from './parked-hook-store';

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

/**
 * Everything retention keeps, behind intent-named methods: `cases` (cases, timeline, triggers),
 * `outbox` (actions to publish) and `parkedHooks`. Nothing else in the app touches TypeORM.
 * Outside `transaction` each call stands alone; inside it, every call of the store handed to the
 * callback commits or rolls back together.
 */
export class RetentionStore {
  readonly cases: CaseStore;
  readonly outbox: OutboxStore;
  readonly parkedHooks: ParkedHookStore;

  private constructor(
    private readonly dataSource: DataSource,
    manager: EntityManager,
    private readonly inTransaction: boolean,
  ) {
    this.cases = new CaseStore(manager);
    this.outbox = new OutboxStore(manager, databaseKind(dataSource) === 'postgres');
    this.parkedHooks = new ParkedHookStore(manager);
  }

  /** Over an initialised data source whose schema is current. */
  static over(dataSource: DataSource): RetentionStore {
    return new RetentionStore(dataSource, dataSource.manager, false);
  }

  /**
   * Runs `work` in one transaction. Never hold it across a network call: on SQLite every other
   * writer waits for it. Inside a transaction, `work` joins it.
   */
  transaction<T>(work: (store: RetentionStore) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this);
    return this.dataSource.transaction((manager) =>
      work(new RetentionStore(this.dataSource, manager, true)),
    );
  }

  /** Resolves when the database answers (readiness, and before asking billwerk for state). */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Opens the retention store and brings its schema up to date. */
export async function openRetentionStore(settings: DatabaseSettings): Promise<RetentionStore> {
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
  return RetentionStore.over(dataSource);
}
