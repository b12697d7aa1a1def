/**
 * A new deployment (a consumer group without offsets) processes the hooks Kafka retained before it
 * existed, on a broker that also holds other tests' records of contracts this billwerk does not
 * know; a payment problem hook older than RETENTION_STALE_PAYMENT_HOOK_HOURS acts only on a
 * problem billwerk still shows.
 */
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { createSqliteDatabase, type TestDatabase } from '../../../test/support/databases';
import { RetentionCaseEntity } from '../src/persistence/entities/retention-case.entity';
import { FakeBillwerk } from './fake-billwerk';
import {
  drained,
  HookPublisher,
  startRetention,
  testKafka,
  waitFor,
  type RunningRetention,
} from './retention-harness';

const DAY = 24 * 3600 * 1000;
const BACKLOG = 20;

describe('retention: a new consumer group and the retained backlog', () => {
  let kafka: Kafka;
  let billwerk: FakeBillwerk;
  let database: TestDatabase;
  let retention: RunningRetention | undefined;
  let hooks: HookPublisher;
  const groupId = `retention-backlog-${randomUUID()}`;

  beforeAll(async () => {
    kafka = testKafka();
    billwerk = new FakeBillwerk();
    await billwerk.start();
    database = await createSqliteDatabase();
    hooks = new HookPublisher(kafka);
  });

  afterAll(async () => {
    await hooks?.close();
    await retention?.close();
    await database?.drop();
    await billwerk?.stop();
  });

  it('processes hooks published before the group existed, and ignores a stale payment failure', async () => {
    const cancelled = Array.from({ length: BACKLOG }, () =>
      billwerk.addContract({ EndDate: new Date(Date.now() + 30 * DAY).toISOString() }),
    );
    await hooks.publish(
      ...cancelled.map((c) => ({ Event: 'ContractCancelled', ContractId: c.Id })),
    );
    // Failed three days ago; billwerk shows no problem now (payments not paused, bearer valid).
    const recovered = billwerk.addContract();
    const oldFailure = billwerk.addTransaction(recovered, 'Failed');
    await hooks.publishReceivedAt(new Date(Date.now() - 3 * DAY), {
      Event: 'PaymentFailed',
      PaymentTransactionId: oldFailure.Id,
      ContractId: recovered.Id,
    });
    const failing = billwerk.addContract();
    const freshFailure = billwerk.addTransaction(failing, 'Failed');
    await hooks.publish({
      Event: 'PaymentFailed',
      PaymentTransactionId: freshFailure.Id,
      ContractId: failing.Id,
    });

    const started = Date.now();
    retention = await startRetention({ database, billwerkUrl: billwerk.url, groupId });
    const running = retention;
    const winBacks = async () => {
      const rows = await running.dataSource.manager.findBy(RetentionCaseEntity, {
        kind: 'win-back',
      });
      return cancelled.filter((c) => rows.some((row) => row.contractId === c.Id)).length;
    };
    await waitFor('the backlog', async () => (await winBacks()) === BACKLOG, 45_000).catch(
      () => undefined,
    );
    expect(await winBacks()).toBe(BACKLOG);
    await drained(kafka, groupId, running.dataSource);
    // Other tests' records of contracts billwerk does not know are cheap: all of it well within.
    expect(Date.now() - started).toBeLessThan(60_000);

    const cases = await running.dataSource.manager.find(RetentionCaseEntity);
    expect(
      cases.filter((row) => row.kind === 'payment-recovery').map((row) => row.contractId),
    ).toEqual([failing.Id]);
  });
});
