import type { DataSource } from 'typeorm';
import { TEST_DATABASES, type TestDatabase } from '../../../test/support/databases';
import { auditRecord, auditRecords, TEST_LINKER } from './audit-fixtures';
import { billwerkId } from '../../../test/fixtures/billwerk-hooks';
import { verifyChains } from './verify-chains';
import { openAuditDatabase } from '../src/audit-log/audit-data-source';
import { AuditLogRepository } from '../src/audit-log/audit-log.repository';

// The project-level testTimeout is not applied by Jest 30; these wait on Kafka and databases.
jest.setTimeout(120_000);

describe.each(TEST_DATABASES)('AuditLogRepository on %s', (kind, createDatabase) => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let repository: AuditLogRepository;

  beforeEach(async () => {
    database = await createDatabase();
    ({ dataSource } = await openAuditDatabase(
      { url: database.url, sqlitePath: database.sqlitePath, poolSize: 4 },
      { migrate: true },
    ));
    repository = new AuditLogRepository(dataSource, TEST_LINKER);
  });

  afterEach(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('writes each message once however often the batch is redelivered', async () => {
    const batch = auditRecords(5);
    const first = await repository.appendIfAbsent('billwerk.contract.v1', 0, batch);
    const head = await dataSource.query<Array<{ seq: string | number; hash: string }>>(
      'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
    );
    // The outcome names the new head: what a checkpoint records.
    expect(first).toEqual({
      written: 5,
      duplicates: 0,
      head: { seq: String(head[0].seq), offset: '4', hash: head[0].hash, keyId: 'test-1' },
    });
    expect(await repository.appendIfAbsent('billwerk.contract.v1', 0, batch)).toEqual({
      written: 0,
      duplicates: 5,
      head: first.head,
    });
    // Overlapping redelivery: the first three again, two new ones after them.
    const next = [...batch.slice(0, 3), ...auditRecords(2, 5)];
    expect(await repository.appendIfAbsent('billwerk.contract.v1', 0, next)).toMatchObject({
      written: 2,
      duplicates: 3,
      head: { offset: '6' },
    });
    // The same event id at a new offset is the same event: not stored twice.
    const again = auditRecord({ eventId: batch[0].eventId, offset: '7' });
    expect(await repository.appendIfAbsent('billwerk.contract.v1', 0, [again])).toMatchObject({
      written: 0,
      duplicates: 1,
    });
    const [{ count }] = await dataSource.query<Array<{ count: string | number }>>(
      'SELECT COUNT(*) AS count FROM audit_events',
    );
    expect(Number(count)).toBe(7);
    expect(await verifyChains(dataSource)).toEqual([
      expect.objectContaining({ rowsChecked: 7, brokenLinks: 0, firstBrokenLink: null }),
    ]);
  });

  it('reads back every field as written', async () => {
    const record = auditRecord({
      offset: '42',
      subject: null,
      data: { Event: 'PaymentFailed', Amount: 12.5, Nested: { z: [1, 'two'], a: null } },
      headers: { ce_id: 'x', multi: ['a', 'b'] },
    });
    await repository.appendIfAbsent(record.topic, record.partition, [record]);
    const stored = await repository.findByEventId(record.eventId);
    expect(stored).toEqual(expect.objectContaining({ ...record, hash: expect.any(String) }));
  });

  it('refuses UPDATE and DELETE on audit rows', async () => {
    await repository.appendIfAbsent('billwerk.contract.v1', 0, auditRecords(1));
    await expect(dataSource.query("UPDATE audit_events SET type = 'forged'")).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(dataSource.query('DELETE FROM audit_events')).rejects.toThrow(
      /append-only: DELETE refused/,
    );
  });

  it('reports an edited row and a deleted row as broken links', async () => {
    await repository.appendIfAbsent('billwerk.contract.v1', 0, auditRecords(5));
    await repository.appendIfAbsent(
      'billwerk.contract.v1',
      1,
      auditRecords(4, 0, () => ({ partition: 1 })),
    );
    await repository.appendIfAbsent(
      'billwerk.customer.v1',
      0,
      auditRecords(3, 0, () => ({ topic: 'billwerk.customer.v1' })),
    );
    await tamper(dataSource, kind, [
      "UPDATE audit_events SET type = 'forged' WHERE topic = 'billwerk.contract.v1' AND kafka_partition = 0 AND kafka_offset = 2",
      "DELETE FROM audit_events WHERE topic = 'billwerk.contract.v1' AND kafka_partition = 1 AND kafka_offset = 1",
    ]);
    const reports = await verifyChains(dataSource);
    expect(reports).toEqual([
      expect.objectContaining({
        topic: 'billwerk.contract.v1',
        partition: 0,
        rowsChecked: 5,
        brokenLinks: 1,
        firstBrokenLink: expect.objectContaining({ offset: '2' }),
      }),
      expect.objectContaining({
        topic: 'billwerk.contract.v1',
        partition: 1,
        rowsChecked: 3,
        brokenLinks: 1,
        firstBrokenLink: expect.objectContaining({ offset: '2' }),
      }),
      expect.objectContaining({
        topic: 'billwerk.customer.v1',
        partition: 0,
        rowsChecked: 3,
        brokenLinks: 0,
      }),
    ]);
  });

  it('pages through filtered rows without gaps or repeats, in both orders', async () => {
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    // Pairs share a receivedAt so the cursor must break ties by insertion order.
    const records = auditRecords(25, 0, (i) => ({
      receivedAt: new Date(base + Math.floor(i / 2) * 1000).toISOString(),
      customerId: i % 5 === 0 ? billwerkId(99) : billwerkId(2),
    }));
    await repository.appendIfAbsent('billwerk.contract.v1', 0, records);
    for (const order of ['asc', 'desc'] as const) {
      const seen: string[] = [];
      let after;
      do {
        const page = await repository.page({ order, limit: 4, after, customerId: billwerkId(2) });
        seen.push(...page.items.map((item) => item.eventId));
        after = page.next;
      } while (after);
      const expected = records.filter((_, i) => i % 5 !== 0).map((r) => r.eventId);
      expect(seen).toEqual(order === 'asc' ? expected : [...expected].reverse());
    }
    const window = await repository.page({
      order: 'asc',
      limit: 100,
      from: new Date(base + 2000).toISOString(),
      to: new Date(base + 4000).toISOString(),
    });
    expect(window.items.map((item) => item.offset)).toEqual(['4', '5', '6', '7']);
    expect(window.next).toBeUndefined();
  });
});

/** Edits behind the application's back, as an intruder with table access would. */
async function tamper(dataSource: DataSource, kind: string, statements: string[]): Promise<void> {
  if (kind === 'postgres') {
    await dataSource.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
  } else {
    await dataSource.query('DROP TRIGGER audit_events_no_update');
    await dataSource.query('DROP TRIGGER audit_events_no_delete');
  }
  for (const statement of statements) await dataSource.query(statement);
}
