import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { createSqliteDatabase, type TestDatabase } from '../../../test/support/databases';
import { OutboxEntity } from '../src/persistence/entities/outbox.entity';
import { FakeBillwerk } from './fake-billwerk';
import {
  actionsSince,
  actionsSnapshot,
  drained,
  HookPublisher,
  startGroupAtEnd,
  startOwnBroker,
  startRetention,
  waitFor,
  type OwnBroker,
  type RunningRetention,
} from './retention-harness';

/** The port of this test's own broker, which it stops. */
const PORT = 19592;
const DAY = 24 * 3600 * 1000;

describe('retention while its Kafka is down', () => {
  let broker: OwnBroker;
  let kafka: Kafka;
  let billwerk: FakeBillwerk;
  let database: TestDatabase;
  let retention: RunningRetention;
  let hooks: HookPublisher;
  const groupId = `retention-outage-${randomUUID()}`;

  beforeAll(async () => {
    broker = await startOwnBroker(PORT);
    kafka = broker.kafka;
    billwerk = new FakeBillwerk();
    await billwerk.start();
    database = await createSqliteDatabase();
    await startGroupAtEnd(kafka, groupId);
    retention = await startRetention({
      database,
      billwerkUrl: billwerk.url,
      groupId,
      env: { KAFKA_BROKERS: broker.brokers, RETENTION_REMINDER_DAYS: '7' },
    });
    hooks = new HookPublisher(kafka);
  });

  afterAll(async () => {
    await hooks?.close();
    await retention?.close();
    await broker?.stop();
    await database?.drop();
    await billwerk?.stop();
  });

  it('keeps a reminder that falls due during the outage and publishes it once afterwards', async () => {
    // The reminder falls due 15 s from now: time to open the case and stop the broker first,
    // even on a loaded CI host (4 s was not).
    const contract = billwerk.addContract({
      EndDate: new Date(Date.now() + 7 * DAY + 15_000).toISOString(),
    });
    const from = await actionsSnapshot(kafka);
    await hooks.publish({ Event: 'ContractCancelled', ContractId: contract.Id });
    await drained(kafka, groupId, retention.dataSource);
    await hooks.close();

    await broker.stop();
    const reminder = () =>
      retention.dataSource.manager.findOneByOrFail(OutboxEntity, {
        contractId: contract.Id,
        type: 'CancellationReminderDue',
      });
    const beforeDue = await reminder();
    expect(beforeDue.status).toBe('pending');
    expect(Date.parse(beforeDue.dueAt)).toBeGreaterThan(Date.now());

    await waitFor('the reminder to fall due', async () => {
      const row = await reminder();
      return Date.parse(row.dueAt) < Date.now() - 1000;
    });
    // Due, but Kafka is down: it stays in the outbox.
    expect(await reminder()).toMatchObject({ status: 'pending' });

    await broker.start();
    await waitFor('the reminder to be published', async () => {
      return (await reminder()).status === 'published';
    });
    const actions = await actionsSince(kafka, from);
    expect(actions.map((a) => a.event.type)).toEqual([
      'retention.WinBackOfferRequested',
      'retention.CancellationReminderDue',
    ]);
  });
});
