import { parseDeadLetterHeaders } from '@app/contracts';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createPostgresDatabase, type TestDatabase } from '../../../test/support/databases';
import { consumeAll, produce, testKafka, uniqueName } from '../../../test/support/kafka';
import { waitFor } from '../../../test/support/wait-for';
import { openAuditDatabase } from '../src/audit-log/audit-data-source';
import { billwerkId } from '../../../test/fixtures/billwerk-hooks';
import { cloudEventJson } from '../../../test/fixtures/cloud-events';
import { verifyChains } from './verify-chains';
import {
  countRows,
  counterValue,
  startAuditConsumer,
  type RunningConsumer,
} from './consumer-harness';

jest.setTimeout(90_000);

const CONTRACT = billwerkId(42);

/** A CloudEvent whose data nests `depth` objects: a recursive walk overflows the stack on it. */
function deepEvent(depth: number): string {
  const data = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const envelope = JSON.parse(
    cloudEventJson('ContractChanged', { ContractId: CONTRACT }),
  ) as Record<string, unknown>;
  return JSON.stringify({ ...envelope, data: '__DATA__' }).replace('"__DATA__"', data);
}

/**
 * Issue 8 point 3: a record nested ~5,000 deep on the contract topic must not stop the audit.
 * Before the fix the recursive canonical JSON overflowed the stack and the batch was retried
 * forever: 0 of the 40 later hooks were stored after 45 s.
 */
describe('audit and a poison record', () => {
  const kafka = testKafka();
  let database: TestDatabase;
  let dataSource: DataSource;
  let running: RunningConsumer | undefined;
  let topic: string;
  let deadLetterTopic: string;

  const startAudit = (): Promise<RunningConsumer> =>
    startAuditConsumer({
      dataSource,
      topics: [topic],
      deadLetterTopic,
      groupId: uniqueName('audit-poison'),
    });

  beforeEach(async () => {
    database = await createPostgresDatabase();
    ({ dataSource } = await openAuditDatabase(
      { url: database.url, sqlitePath: database.sqlitePath, poolSize: 4 },
      { migrate: true },
    ));
    topic = uniqueName('billwerk.contract.v1');
    deadLetterTopic = uniqueName('billwerk.audit.dlq.v1');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        // Room for a record over the audit's 1 MiB bound, as a misconfigured producer could write.
        {
          topic,
          numPartitions: 3,
          configEntries: [{ name: 'max.message.bytes', value: String(3 * 1024 * 1024) }],
        },
        { topic: deadLetterTopic, numPartitions: 1 },
      ],
    });
    await admin.disconnect();
  });

  afterEach(async () => {
    await running?.stop();
    running = undefined;
    await dataSource.destroy();
    await database.drop();
  });

  it('dead-letters a record nested 5,000 deep and stores the 40 hooks after it', async () => {
    const poisonId = randomUUID();
    const poison = deepEvent(5000).replace(/"id":"[^"]+"/, `"id":"${poisonId}"`);
    const ids = Array.from({ length: 40 }, () => randomUUID());
    await produce(kafka, topic, [
      { key: CONTRACT, value: poison },
      ...ids.map((id) => ({
        key: CONTRACT,
        value: cloudEventJson('ContractChanged', { ContractId: CONTRACT }, id),
      })),
    ]);
    running = await startAudit();

    await waitFor(
      'the 40 hooks stored',
      async () => (await countRows(dataSource)) === 40,
      45_000,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}: ${await countRows(dataSource)} of 40 stored`);
    });
    const [letter] = await consumeAll(kafka, deadLetterTopic, 1);
    expect(letter.value).toBe(poison);
    const info = parseDeadLetterHeaders(letter.headers);
    expect(info).toMatchObject({
      errorCode: 'TOO_DEEP',
      originTopic: topic,
      originOffset: '0',
      attempts: 1,
    });
    expect(info.error).toMatch(/deeper than 64/);
    expect(await counterValue(running.metrics, 'deadLetters')).toBe(1);
    const stored = await dataSource.query<Array<{ event_id: string }>>(
      'SELECT event_id FROM audit_events',
    );
    expect(stored.map((row) => row.event_id).sort()).toEqual([...ids].sort());
    const reports = await verifyChains(dataSource);
    expect(reports.reduce((sum, r) => sum + r.rowsChecked, 0)).toBe(40);
    expect(reports.every((r) => r.brokenLinks === 0)).toBe(true);
  });

  it('dead-letters a record over 1 MiB without parsing it, and moves on', async () => {
    const big = cloudEventJson('ContractChanged', {
      ContractId: CONTRACT,
      Note: 'x'.repeat(1100 * 1024),
    });
    const after = randomUUID();
    await produce(kafka, topic, [
      { key: CONTRACT, value: big },
      { key: CONTRACT, value: cloudEventJson('ContractChanged', { ContractId: CONTRACT }, after) },
    ]);
    running = await startAudit();
    await waitFor(
      'the hook after it stored',
      async () => (await countRows(dataSource)) === 1,
      45_000,
    );
    const [letter] = await consumeAll(kafka, deadLetterTopic, 1);
    const info = parseDeadLetterHeaders(letter.headers);
    expect(info).toMatchObject({
      errorCode: 'TOO_LARGE',
      attempts: 1,
      valueTruncatedFromBytes: Buffer.byteLength(big),
    });
    expect(letter.value?.length).toBe(512 * 1024);
  });
});
