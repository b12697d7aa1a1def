import { AUDIT_CHECKPOINTS_TOPIC, AUDIT_CHECKPOINTS_TOPIC_CONFIG } from '@app/contracts';
import { createKafka, ensureTopics } from '@app/messaging';
import { createLogger } from '@app/observability';
import type { Message } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { TEST_DATABASES, type TestDatabase } from '../../../test/support/databases';
import {
  createTopics,
  produce,
  testBrokers,
  testKafka,
  uniqueName,
} from '../../../test/support/kafka';
import { waitFor } from '../../../test/support/wait-for';
import { openAuditDatabase } from '../src/audit-log/audit-data-source';
import { AuditLogRepository } from '../src/audit-log/audit-log.repository';
import { ChainVerifier, type PartitionReport } from '../src/audit-log/chain-verifier';
import { CheckpointReader, partitionKey } from '../src/checkpoints/checkpoint-reader';
import { TEST_CHAIN_KEYS } from './audit-fixtures';
import { billwerkId } from '../../../test/fixtures/billwerk-hooks';
import { cloudEventJson } from '../../../test/fixtures/cloud-events';
import { countRows, startAuditConsumer } from './consumer-harness';
import { Rewriter } from './rewriter';

jest.setTimeout(120_000);

const ROWS = 20;

function hooks(count: number, first = 0): Message[] {
  return Array.from({ length: count }, (_, i) => ({
    key: billwerkId(1),
    value: cloudEventJson('PaymentSucceeded', {
      ContractId: billwerkId(1),
      PaymentId: billwerkId(100 + first + i),
      Amount: 10 + first + i,
    }),
  }));
}

/**
 * Tampering with the table as someone with write access but without the chain key would, on
 * rows the real consumer stored and checkpointed to the real checkpoint topic. With the unkeyed
 * chain and no checkpoints, each of these passed `/audit/verify`.
 */
describe.each(TEST_DATABASES)('tampering with the audit log on %s', (_kind, createDatabase) => {
  const kafka = testKafka();
  const logger = createLogger('audit-tamper-test', 'fatal');
  let database: TestDatabase;
  let dataSource: DataSource;
  let topic: string;
  let groupId: string;
  let readers: CheckpointReader[];
  let rewriter: Rewriter;

  /** A verifier as the app has one: its own checkpoint reader, state in memory. */
  const verifier = async (): Promise<ChainVerifier> => {
    const reader = new CheckpointReader(
      createKafka({ brokers: testBrokers(), clientId: 'audit-tamper-test' }, logger),
      logger,
      { topic: AUDIT_CHECKPOINTS_TOPIC, group: groupId },
    );
    await reader.start();
    readers.push(reader);
    return new ChainVerifier(new AuditLogRepository(dataSource), TEST_CHAIN_KEYS, reader);
  };

  const only = (partitions: PartitionReport[]): PartitionReport => {
    expect(partitions.map((p) => p.topic)).toEqual([topic]);
    return partitions[0];
  };

  /** Stores `hooks` through the consumer and waits for the checkpoint of the last row. */
  const consume = async (messages: Message[], total: number): Promise<void> => {
    await produce(kafka, topic, messages);
    const running = await startAuditConsumer({
      dataSource,
      topics: [topic],
      deadLetterTopic: `${topic}.dlq`,
      groupId,
    });
    try {
      await waitFor(`${total} rows`, async () => (await countRows(dataSource)) === total);
      const reader = readers[0];
      const head = await new AuditLogRepository(dataSource).maxSeq();
      await waitFor('the head checkpointed', async () => {
        const { checkpoints } = await reader.snapshot();
        return checkpoints.get(partitionKey(topic, 0))?.seq === head;
      });
    } finally {
      await running.stop();
    }
  };

  /** ROWS rows stored, checkpointed and verified intact; then the rewriter drops the guards. */
  const verifiedThenUnguarded = async (): Promise<ChainVerifier> => {
    const audit = await verifier();
    await consume(hooks(ROWS), ROWS);
    expect((await audit.verify({ full: false })).ok).toBe(true);
    await rewriter.dropGuards();
    return audit;
  };

  beforeEach(async () => {
    database = await createDatabase();
    ({ dataSource } = await openAuditDatabase(
      { url: database.url, sqlitePath: database.sqlitePath, poolSize: 2 },
      { migrate: true },
    ));
    topic = uniqueName('audit-test.payment.v1');
    groupId = uniqueName('audit-tamper-group');
    await createTopics(kafka, [topic, `${topic}.dlq`], 1);
    // As the audit app creates it at start; this spec runs the consumer without the app.
    await ensureTopics(kafka, [
      {
        topic: AUDIT_CHECKPOINTS_TOPIC,
        numPartitions: 1,
        configEntries: AUDIT_CHECKPOINTS_TOPIC_CONFIG,
      },
    ]);
    readers = [];
    rewriter = new Rewriter(dataSource);
  });

  afterEach(async () => {
    await Promise.all(readers.map((reader) => reader.stop()));
    await dataSource.destroy();
    await database.drop();
  });

  it('verifies incrementally: later calls read only new rows; full=true reads everything', async () => {
    const audit = await verifier();
    await consume(hooks(ROWS), ROWS);
    const first = await audit.verify({ full: false });
    expect(first).toMatchObject({
      ok: true,
      full: true,
      checkpoints: { read: true, malformed: 0 },
    });
    expect(only(first.partitions)).toMatchObject({
      rowsChecked: ROWS,
      rowsVerified: ROWS,
      legacyRows: 0,
      brokenLinks: 0,
      checkpoint: { state: 'MATCHED' },
    });

    await consume(hooks(5, ROWS), ROWS + 5);
    const second = await audit.verify({ full: false });
    expect(second).toMatchObject({ ok: true, full: false });
    expect(only(second.partitions)).toMatchObject({ rowsChecked: 5, rowsVerified: ROWS + 5 });
    const full = await audit.verify({ full: true });
    expect(full).toMatchObject({ ok: true, full: true });
    expect(only(full.partitions)).toMatchObject({ rowsChecked: ROWS + 5 });
  });

  it('detects a row whose payload was rewritten and its links recomputed without the key', async () => {
    const audit = await verifiedThenUnguarded();
    const victim = (await rewriter.rows(topic, 0))[7];
    const forged = (victim.rawValue as string).replace('"Amount":17', '"Amount":1');
    await rewriter.run('UPDATE audit_events SET raw_value = $1, data = $2 WHERE seq = $3', [
      forged,
      JSON.stringify((JSON.parse(forged) as { data: unknown }).data),
      victim.seq,
    ]);
    await rewriter.relinkFrom(topic, 0, victim.seq);

    // Incremental: the last verified row changed, so the partition is read again.
    const incremental = await audit.verify({ full: false });
    expect(incremental.ok).toBe(false);
    expect(only(incremental.partitions).firstBrokenLink?.problem).toBe('VERIFIED_ROW_CHANGED');
    const full = only((await audit.verify({ full: true })).partitions);
    expect(full).toMatchObject({
      ok: false,
      brokenLinks: ROWS - 7,
      firstBrokenLink: { eventId: victim.eventId, problem: 'HASH_MISMATCH' },
      checkpoint: { state: 'HASH_DIFFERS' },
    });
  });

  it('detects a row removed from the middle, its successors relinked without the key', async () => {
    const audit = await verifiedThenUnguarded();
    const rows = await rewriter.rows(topic, 0);
    await rewriter.run('DELETE FROM audit_events WHERE seq = $1', [rows[10].seq]);
    await rewriter.relinkFrom(topic, 0, rows[11].seq);

    const report = only((await audit.verify({ full: true })).partitions);
    expect(report).toMatchObject({
      ok: false,
      rowsChecked: ROWS - 1,
      firstBrokenLink: { eventId: rows[11].eventId, problem: 'HASH_MISMATCH' },
      checkpoint: { state: 'HASH_DIFFERS' },
    });
  });

  it('detects the newest rows removed, through the checkpoint, also after a restart', async () => {
    const running = await verifiedThenUnguarded();
    const rows = await rewriter.rows(topic, 0);
    await rewriter.run('DELETE FROM audit_events WHERE seq >= $1', [rows[ROWS - 3].seq]);
    const remaining = await rewriter.rows(topic, 0);
    expect(remaining).toHaveLength(ROWS - 3);

    const incremental = await running.verify({ full: false });
    expect(only(incremental.partitions).checkpoint?.state).toBe('TRUNCATED');
    // A verifier that never saw the rows (a restarted app) reads the checkpoint from Kafka.
    const restarted = await verifier();
    const report = await restarted.verify({ full: false });
    expect(report.ok).toBe(false);
    // The chain itself links up: what the old verify saw, and reported as intact.
    expect(only(report.partitions)).toMatchObject({
      ok: false,
      brokenLinks: 0,
      head: { seq: remaining[ROWS - 4].seq },
      checkpoint: { seq: rows[ROWS - 1].seq, state: 'TRUNCATED' },
    });
  });

  it('reports a record under its keys on the checkpoint topic that is no checkpoint', async () => {
    const audit = await verifiedThenUnguarded();
    await produce(kafka, AUDIT_CHECKPOINTS_TOPIC, [
      { key: `${groupId}/${topic}/0`, value: '{"seq":"999999"}' },
    ]);
    const report = await audit.verify({ full: false });
    expect(report).toMatchObject({ ok: false, checkpoints: { read: true, malformed: 1 } });
    // The chain and its last real checkpoint still hold.
    expect(only(report.partitions)).toMatchObject({ ok: true, checkpoint: { state: 'MATCHED' } });
  });
});
