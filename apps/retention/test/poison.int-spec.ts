/**
 * billwerk answers with values longer than retention's columns (on Postgres, which enforces them):
 * a long name is cut, a long e-mail address dropped, and a hook whose state no column takes (a
 * 10,000-character plan variant id, SQLSTATE 22001) goes to the DLQ after bounded attempts while
 * the hooks behind it on its partition are processed.
 */
import type { Contract } from '@app/billwerk-api';
import { parseDeadLetterHeaders, RETENTION_DLQ_TOPIC } from '@app/contracts';
import { Partitioners, type Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { createPostgresDatabase, type TestDatabase } from '../../../test/support/databases';
import { endOffsets, readBetween } from '../../../test/support/topic-reader';
import { RetentionCaseEntity } from '../src/persistence/entities/retention-case.entity';
import { FakeBillwerk } from './fake-billwerk';
import {
  HookPublisher,
  startGroupAtEnd,
  startRetention,
  testKafka,
  waitFor,
  type RunningRetention,
} from './retention-harness';

const DAY = 24 * 3600 * 1000;
const TOPIC = 'billwerk.contract.v1';

/** The partition the hook publisher's (KafkaJS default) partitioner picks for `key`. */
async function partitionOf(kafka: Kafka, key: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(TOPIC);
    return Partitioners.DefaultPartitioner()({
      topic: TOPIC,
      partitionMetadata: offsets.map((o) => ({
        partitionId: o.partition,
        leader: 0,
        replicas: [0],
        isr: [0],
        partitionErrorCode: 0,
      })),
      message: { key, value: null },
    });
  } finally {
    await admin.disconnect();
  }
}

describe('retention with over-long values from billwerk', () => {
  let kafka: Kafka;
  let billwerk: FakeBillwerk;
  let database: TestDatabase;
  let retention: RunningRetention;
  let hooks: HookPublisher;
  const groupId = `retention-poison-${randomUUID()}`;

  beforeAll(async () => {
    kafka = testKafka();
    billwerk = new FakeBillwerk();
    await billwerk.start();
    database = await createPostgresDatabase('retention_poison');
    await startGroupAtEnd(kafka, groupId);
    retention = await startRetention({ database, billwerkUrl: billwerk.url, groupId });
    hooks = new HookPublisher(kafka);
  });

  afterAll(async () => {
    await hooks?.close();
    await retention?.close();
    await database?.drop();
    await billwerk?.stop();
  });

  it('cuts or drops over-long contact values, dead-letters a hook no column takes, and moves on', async () => {
    const end = () => new Date(Date.now() + 30 * DAY).toISOString();
    const long = billwerk.addContract(
      { EndDate: end() },
      { FirstName: 'N'.repeat(400), EmailAddress: `${'e'.repeat(400)}@example.com` },
    );
    const poison = billwerk.addContract({ EndDate: end(), PlanVariantId: 'a'.repeat(10_000) });
    const partition = await partitionOf(kafka, poison.Id);
    const behind: Contract[] = [];
    while (behind.length < 3) {
      const contract = billwerk.addContract({ EndDate: end() });
      if ((await partitionOf(kafka, contract.Id)) === partition) behind.push(contract);
      else billwerk.contracts.delete(contract.Id);
    }
    const from = await endOffsets(kafka, [RETENTION_DLQ_TOPIC]);
    await hooks.publish(
      ...[long, poison, ...behind].map((c) => ({ Event: 'ContractCancelled', ContractId: c.Id })),
    );

    const manager = retention.dataSource.manager;
    const processedBehind = async () => {
      const cases = await manager.findBy(RetentionCaseEntity, { kind: 'win-back' });
      return behind.filter((c) => cases.some((row) => row.contractId === c.Id)).length;
    };
    await waitFor(
      'the hooks behind the poison',
      async () => (await processedBehind()) === 3,
      30_000,
    ).catch(() => undefined);
    expect(await processedBehind()).toBe(3);

    const longCase = await manager.findOneByOrFail(RetentionCaseEntity, { contractId: long.Id });
    expect(longCase.contactName).toHaveLength(300);
    expect(longCase.contactEmail).toBeNull();
    expect(await manager.countBy(RetentionCaseEntity, { contractId: poison.Id })).toBe(0);

    const dead = (
      await readBetween(kafka, from, await endOffsets(kafka, [RETENTION_DLQ_TOPIC]))
    ).filter((m) => m.value.includes(poison.Id));
    expect(dead).toHaveLength(1);
    expect(parseDeadLetterHeaders(dead[0].headers)).toMatchObject({
      errorCode: '22001',
      originTopic: TOPIC,
      originPartition: partition,
      consumerGroup: groupId,
      attempts: 3,
    });
  });
});
