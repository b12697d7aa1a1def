import { createDataSource } from '@app/persistence';
import type { DataSource } from 'typeorm';
import { TEST_DATABASES, type TestDatabase } from '../../../test/support/databases';
import { auditRecords, TEST_LINKER } from './audit-fixtures';
import { verifyChains } from './verify-chains';
import { insertLegacyRows } from './legacy-rows';
import { AuditEventEntity } from '../src/audit-log/audit-event.entity';
import { AuditLogRepository } from '../src/audit-log/audit-log.repository';
import { AUDIT_MIGRATIONS } from '../src/audit-log/migrations/index';

jest.setTimeout(60_000);

/** Later migrations on a table that already holds rows: nothing lost, chain intact. */
describe.each(TEST_DATABASES)('audit migrations on %s', (_kind, createDatabase) => {
  let database: TestDatabase;
  let dataSource: DataSource;

  const open = async (migrations: typeof AUDIT_MIGRATIONS): Promise<DataSource> => {
    const source = createDataSource(
      { url: database.url, sqlitePath: database.sqlitePath, poolSize: 2 },
      { entities: [AuditEventEntity], migrations },
    );
    await source.initialize();
    await source.runMigrations({ transaction: 'each' });
    return source;
  };

  beforeEach(async () => {
    database = await createDatabase();
  });

  afterEach(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await database.drop();
  });

  it('keeps every row, seq and link, and then takes a restarted offset', async () => {
    const before = await open(AUDIT_MIGRATIONS.slice(0, 2));
    await insertLegacyRows(before, auditRecords(30));
    const rowsBefore = await before.query<unknown[]>(
      'SELECT seq, event_id, hash FROM audit_events ORDER BY seq',
    );
    await before.destroy();

    dataSource = await open(AUDIT_MIGRATIONS);
    const repository = new AuditLogRepository(dataSource, TEST_LINKER);
    expect(
      await dataSource.query<unknown[]>(
        'SELECT seq, event_id, hash FROM audit_events ORDER BY seq',
      ),
    ).toEqual(rowsBefore);
    // Offsets 0–29 again with new events: stored, and the chain continues, keyed now.
    const outcome = await repository.appendIfAbsent('billwerk.contract.v1', 0, auditRecords(5));
    expect(outcome).toMatchObject({ written: 5, duplicates: 0, offsetRegression: { count: 5 } });
    const kinds = await dataSource.query<
      Array<{ keyed: string | number; valued: string | number }>
    >('SELECT COUNT(chain_key_id) AS keyed, COUNT(raw_value) AS valued FROM audit_events');
    expect(kinds.map((k) => [Number(k.keyed), Number(k.valued)])).toEqual([[5, 5]]);
    expect(await verifyChains(dataSource)).toEqual([
      expect.objectContaining({
        topic: 'billwerk.contract.v1',
        partition: 0,
        rowsChecked: 35,
        brokenLinks: 0,
      }),
    ]);
    // Still append-only.
    await expect(dataSource.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
    await expect(dataSource.query("UPDATE audit_events SET type = 'x'")).rejects.toThrow(
      /append-only/,
    );
  });
});
