import type { Message } from 'kafkajs';
import type { DataSource } from 'typeorm';
import {
  createPostgresDatabase,
  TEST_DATABASES,
  type TestDatabase,
} from '../../../test/support/databases';
import {
  committedTotal,
  consumeAll,
  createTopics,
  produce,
  testKafka,
  uniqueName,
} from '../../../test/support/kafka';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { waitFor } from '../../../test/support/wait-for';
import { billwerkId } from '../../../test/fixtures/billwerk-hooks';
import { cloudEventJson } from '../../../test/fixtures/cloud-events';
import { verifyChains } from './verify-chains';
import {
  countRows,
  counterValue,
  startAuditConsumer,
  type RunningConsumer,
} from './consumer-harness';
import { openAuditDatabase } from '../src/audit-log/audit-data-source';

// The project-level testTimeout is not applied by Jest 30; these wait on Kafka and databases.
jest.setTimeout(120_000);

function hooks(count: number, first = 0): Message[] {
  return Array.from({ length: count }, (_, i) => {
    const contract = billwerkId(first + i);
    return {
      key: contract,
      value: cloudEventJson('ContractChanged', { ContractId: contract, CustomerId: billwerkId(7) }),
    };
  });
}

describe.each(TEST_DATABASES)('audit consumer on %s', (_kind, createDatabase) => {
  const kafka = testKafka();
  let database: TestDatabase;
  let dataSource: DataSource;
  let topic: string;
  let deadLetterTopic: string;
  let running: RunningConsumer | undefined;

  beforeEach(async () => {
    database = await createDatabase();
    ({ dataSource } = await openAuditDatabase(
      { url: database.url, sqlitePath: database.sqlitePath, poolSize: 4 },
      { migrate: true },
    ));
    topic = uniqueName('audit-test.contract.v1');
    deadLetterTopic = uniqueName('audit-test.dlq.v1');
    await createTopics(kafka, [topic, deadLetterTopic]);
  });

  afterEach(async () => {
    await running?.stop();
    running = undefined;
    await dataSource.destroy();
    await database.drop();
  });

  const start = (groupId: string): Promise<RunningConsumer> =>
    startAuditConsumer({ dataSource, topics: [topic], deadLetterTopic, groupId });

  it('stores every message once, even when the same offsets are consumed again', async () => {
    const groupId = uniqueName('audit-test-group');
    await produce(kafka, topic, hooks(300));
    running = await start(groupId);
    await waitFor('300 rows', async () => (await countRows(dataSource)) === 300);
    await waitFor(
      'offsets committed',
      async () => (await committedTotal(kafka, groupId, topic)) === 300,
    );
    await running.stop();

    // Rewind the group: every offset is delivered a second time.
    const admin = kafka.admin();
    await admin.connect();
    await admin.resetOffsets({ groupId, topic, earliest: true });
    await admin.disconnect();
    running = await start(groupId);
    await waitFor(
      'redelivery seen',
      async () => (await counterValue(running!.metrics, 'duplicates')) === 300,
    );
    expect(await countRows(dataSource)).toBe(300);
    expect(await counterValue(running.metrics, 'rowsWritten')).toBe(0);
    const reports = await verifyChains(dataSource);
    expect(reports.reduce((sum, r) => sum + r.rowsChecked, 0)).toBe(300);
    expect(reports.every((r) => r.brokenLinks === 0)).toBe(true);
  });

  it('sends messages that can never be rows to the dead-letter topic and moves on', async () => {
    const good = hooks(4);
    const poison: Message[] = [
      { key: billwerkId(1), value: 'not json at all' },
      { key: billwerkId(1), value: JSON.stringify({ Event: 'ContractChanged' }) },
    ];
    // Same key: one partition, poison in the middle of good messages.
    await produce(kafka, topic, [
      { ...good[0], key: billwerkId(1) },
      poison[0],
      { ...good[1], key: billwerkId(1) },
      poison[1],
      { ...good[2], key: billwerkId(1) },
      { ...good[3], key: billwerkId(1) },
    ]);
    running = await start(uniqueName('audit-test-group'));
    await waitFor('4 rows', async () => (await countRows(dataSource)) === 4);
    const dead = await consumeAll(kafka, deadLetterTopic, 2);
    expect(dead.map((m) => m.value).sort()).toEqual(
      ['not json at all', JSON.stringify({ Event: 'ContractChanged' })].sort(),
    );
    for (const message of dead) {
      expect(message.headers).toEqual(
        expect.objectContaining({
          'dlq-error': expect.stringMatching(/not JSON|specversion/),
          'dlq-origin-topic': topic,
          'dlq-origin-partition': expect.stringMatching(/^\d$/),
          'dlq-origin-offset': expect.stringMatching(/^[13]$/),
        }),
      );
    }
    expect(await counterValue(running.metrics, 'deadLetters')).toBe(2);
  });
});

describe('audit consumer during a database outage', () => {
  const kafka = testKafka();
  let database: TestDatabase;
  let proxy: TcpProxy;

  beforeEach(async () => {
    database = await createPostgresDatabase();
    proxy = new TcpProxy('127.0.0.1', 5432);
    await proxy.start();
  });

  afterEach(async () => {
    await proxy.stop();
    await database.drop();
  });

  it('pauses, retries and loses nothing; commits nothing past what is stored', async () => {
    const url = new URL(database.url as string);
    url.port = String(proxy.port);
    const { dataSource } = await openAuditDatabase(
      { url: url.toString(), sqlitePath: '', poolSize: 4 },
      { migrate: true },
    );
    const { dataSource: direct } = await openAuditDatabase(
      { url: database.url, sqlitePath: '', poolSize: 1 },
      { migrate: false },
    );
    const topic = uniqueName('audit-test.contract.v1');
    const deadLetterTopic = uniqueName('audit-test.dlq.v1');
    const groupId = uniqueName('audit-test-group');
    await createTopics(kafka, [topic, deadLetterTopic]);
    const running = await startAuditConsumer({
      dataSource,
      topics: [topic],
      deadLetterTopic,
      groupId,
    });
    try {
      await produce(kafka, topic, hooks(200));
      await waitFor('first 200 rows', async () => (await countRows(direct)) === 200);
      await waitFor(
        'first offsets committed',
        async () => (await committedTotal(kafka, groupId, topic)) === 200,
      );

      proxy.cut();
      await produce(kafka, topic, hooks(300, 200));
      await waitFor(
        'store failures',
        async () => (await counterValue(running.metrics, 'storeFailures')) >= 3,
      );
      expect(await countRows(direct)).toBe(200);
      expect(await committedTotal(kafka, groupId, topic)).toBe(200);

      proxy.restore();
      await waitFor('all 500 rows', async () => (await countRows(direct)) === 500);
      await waitFor(
        'all offsets committed',
        async () => (await committedTotal(kafka, groupId, topic)) === 500,
      );
      const reports = await verifyChains(direct);
      expect(reports.reduce((sum, r) => sum + r.rowsChecked, 0)).toBe(500);
      expect(reports.every((r) => r.brokenLinks === 0)).toBe(true);
    } finally {
      await running.stop();
      await dataSource.destroy();
      await direct.destroy();
    }
  });
});
