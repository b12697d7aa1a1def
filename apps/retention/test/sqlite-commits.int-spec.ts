/**
 * On SQLite every code path shares one connection. While the outbox relay cannot publish (the
 * actions topic is gone), intake keeps committing cases, the API closes cases and
 * hooks are parked: none of those commits may be undone by the relay's failure.
 */
import { RETENTION_ACTIONS_TOPIC } from '@app/contracts';
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { createSqliteDatabase, type TestDatabase } from '../../../test/support/databases';
import { PendingHookEntity } from '../src/persistence/entities/pending-hook.entity';
import { OutboxEntity } from '../src/persistence/entities/outbox.entity';
import { RetentionCaseEntity } from '../src/persistence/entities/retention-case.entity';
import { FakeBillwerk } from './fake-billwerk';
import {
  api,
  caughtUp,
  drained,
  HookPublisher,
  startGroupAtEnd,
  startOwnBroker,
  startRetention,
  waitFor,
  type OwnBroker,
  type RunningRetention,
} from './retention-harness';

/** A broker of this test's own: its actions topic is made to refuse writes. */
const PORT = 19492;
const DAY = 24 * 3600 * 1000;

/** Removes the actions topic (every send to it fails after the client's retries) or restores it. */
async function actionsTopic(kafka: Kafka, present: boolean): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (present) {
      await admin.createTopics({
        topics: [{ topic: RETENTION_ACTIONS_TOPIC, numPartitions: 1 }],
        waitForLeaders: true,
      });
    } else {
      await admin.deleteTopics({ topics: [RETENTION_ACTIONS_TOPIC] });
    }
  } finally {
    await admin.disconnect();
  }
}

describe('retention on SQLite while the relay cannot publish', () => {
  let broker: OwnBroker;
  let kafka: Kafka;
  let billwerk: FakeBillwerk;
  let database: TestDatabase;
  let retention: RunningRetention;
  let hooks: HookPublisher;
  const groupId = `retention-sqlite-commits-${randomUUID()}`;

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
      // Parked hooks stay parked for the whole test.
      env: { KAFKA_BROKERS: broker.brokers, RETENTION_PENDING_RETRY_MS: '600000' },
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

  it('keeps every case, close and parked hook committed while relay sends fail', async () => {
    const cancel = () =>
      billwerk.addContract({ EndDate: new Date(Date.now() + 30 * DAY).toISOString() });
    const manager = () => retention.dataSource.manager;

    // Four cases opened and published while Kafka is healthy: the API closes them later.
    const early = [cancel(), cancel(), cancel(), cancel()];
    await hooks.publish(...early.map((c) => ({ Event: 'ContractCancelled', ContractId: c.Id })));
    await drained(kafka, groupId, retention.dataSource);
    const earlyCases = await manager().findBy(RetentionCaseEntity, { status: 'open' });
    expect(earlyCases).toHaveLength(4);

    // From now on every send of the relay fails.
    await actionsTopic(kafka, false);
    const contracts = Array.from({ length: 30 }, cancel);
    const closes = (async () => {
      for (const entity of earlyCases) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        const answer = await api(retention.url, 'POST', `/retention/cases/${entity.id}/close`, {
          body: { note: 'by hand' },
        });
        expect(answer.status).toBe(200);
      }
    })();
    for (const contract of contracts) {
      await hooks.publish({ Event: 'ContractCancelled', ContractId: contract.Id });
    }
    await closes;
    await caughtUp(kafka, groupId, 30_000);

    // billwerk down: six hooks are parked.
    billwerk.down = true;
    const parkedContracts = Array.from({ length: 6 }, cancel);
    await hooks.publish(
      ...parkedContracts.map((c) => ({ Event: 'ContractCancelled', ContractId: c.Id })),
    );
    await caughtUp(kafka, groupId, 30_000);
    billwerk.down = false;

    // Several more failing relay rounds.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const cases = await manager().find(RetentionCaseEntity);
    const lost = contracts.filter((c) => !cases.some((row) => row.contractId === c.Id));
    const reopened = earlyCases.filter(
      (e) => cases.find((row) => row.id === e.id)?.outcome !== 'closed-manually',
    );
    const parked = await manager().countBy(PendingHookEntity, {});
    expect({ lostCases: lost.length, undoneCloses: reopened.length, parked }).toEqual({
      lostCases: 0,
      undoneCloses: 0,
      parked: 6,
    });

    // Kafka accepts again: every pending action goes out.
    await actionsTopic(kafka, true);
    await waitFor(
      'the queued actions to be published',
      async () => {
        const pending = await manager()
          .createQueryBuilder(OutboxEntity, 'o')
          .where('o.status = :pending AND o.dueAt <= :now', {
            pending: 'pending',
            now: new Date().toISOString(),
          })
          .getCount();
        return pending === 0;
      },
      30_000,
    );
    expect(
      await manager().countBy(OutboxEntity, { type: 'WinBackOfferRequested', status: 'published' }),
    ).toBe(34);
  });
});
