import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { createPostgresDatabase, type TestDatabase } from '../../../test/support/databases';
import { createTopics, produce, testKafka, uniqueName } from '../../../test/support/kafka';
import { waitFor } from '../../../test/support/wait-for';
import { openAuditDatabase } from '../src/audit-log/audit-data-source';
import { billwerkId } from '../../../test/fixtures/billwerk-hooks';
import { cloudEventJson } from '../../../test/fixtures/cloud-events';
import { verifyChains } from './verify-chains';
import { countRows, startAuditConsumer, type RunningConsumer } from './consumer-harness';

jest.setTimeout(90_000);

const CONTRACT = billwerkId(77);

function hooks(ids: string[]) {
  return ids.map((id) => ({
    key: CONTRACT,
    value: cloudEventJson('ContractChanged', { ContractId: CONTRACT }, id),
  }));
}

async function recreateTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] });
    await waitFor('topic deleted', async () => !(await admin.listTopics()).includes(topic), 30_000);
  } finally {
    await admin.disconnect();
  }
  // The controller may still be removing the old partitions: retry until the name is free.
  await waitFor('topic recreated', () => createTopics(kafka, [topic], 1).then(() => true), 30_000);
}

/**
 * Issue 8 point 5: after a topic is recreated (or the local Kafka's data removed while `.data/`
 * is kept) offsets restart at 0. Before the fix the audit took offsets at or below its stored
 * head for redeliveries and dropped the new events: 10 of 20 stored.
 */
describe('audit when offsets go backwards', () => {
  const kafka = testKafka();
  let database: TestDatabase;
  let dataSource: DataSource;
  let running: RunningConsumer | undefined;

  beforeEach(async () => {
    database = await createPostgresDatabase();
    ({ dataSource } = await openAuditDatabase(
      { url: database.url, sqlitePath: database.sqlitePath, poolSize: 4 },
      { migrate: true },
    ));
  });

  afterEach(async () => {
    await running?.stop();
    running = undefined;
    await dataSource.destroy();
    await database.drop();
  });

  it('stores the new events of a recreated topic, counts the regression, and the chain verifies', async () => {
    const topic = uniqueName('billwerk.contract.v1');
    const deadLetterTopic = uniqueName('billwerk.audit.dlq.v1');
    await createTopics(kafka, [topic, deadLetterTopic], 1);
    const first = Array.from({ length: 10 }, () => randomUUID());
    await produce(kafka, topic, hooks(first));
    running = await startAuditConsumer({
      dataSource,
      topics: [topic],
      deadLetterTopic,
      groupId: uniqueName('audit-offsets'),
    });
    await waitFor('first 10 stored', async () => (await countRows(dataSource)) === 10);
    await running.stop();
    running = undefined;

    await recreateTopic(kafka, topic);
    const second = Array.from({ length: 10 }, () => randomUUID());
    // Redeliveries mixed in: an event already stored comes again at a new offset.
    await produce(kafka, topic, [...hooks(first.slice(0, 3)), ...hooks(second)]);
    running = await startAuditConsumer({
      dataSource,
      topics: [topic],
      deadLetterTopic,
      groupId: uniqueName('audit-offsets'),
    });
    await waitFor('all 20 stored', async () => (await countRows(dataSource)) === 20, 30_000).catch(
      async (error: Error) => {
        throw new Error(`${error.message}: ${await countRows(dataSource)} of 20 stored`);
      },
    );
    await waitFor(
      'the redeliveries seen',
      async () =>
        (await running!.metrics.duplicates.get()).values.reduce((s, v) => s + v.value, 0) === 3,
    );
    const { values } = await running.metrics.offsetRegressions.get();
    expect(values.reduce((sum, sample) => sum + sample.value, 0)).toBeGreaterThanOrEqual(1);
    const stored = await dataSource.query<Array<{ event_id: string }>>(
      'SELECT event_id FROM audit_events',
    );
    expect(stored.map((row) => row.event_id).sort()).toEqual([...first, ...second].sort());
    const reports = await verifyChains(dataSource);
    expect(reports).toEqual([
      expect.objectContaining({ topic, partition: 0, rowsChecked: 20, brokenLinks: 0 }),
    ]);
  });
});
