import { RETENTION_DLQ_TOPIC } from '@app/contracts';
import type { Kafka } from 'kafkajs';
import { In } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { createPostgresDatabase, type TestDatabase } from '../../../test/support/databases';
import { endOffsets, readBetween } from '../../../test/support/topic-reader';
import { OutboxEntity } from '../src/persistence/entities/outbox.entity';
import type { CaseDto } from '../src/retention-case/retention-case.dto';
import { FakeBillwerk } from './fake-billwerk';
import {
  actionsSince,
  actionsSnapshot,
  api,
  drained,
  HookPublisher,
  parkedHooks,
  startGroupAtEnd,
  startRetention,
  testKafka,
  waitFor,
  type RunningRetention,
} from './retention-harness';

const DAY = 24 * 3600 * 1000;

describe('retention under real conditions (Postgres, two instances)', () => {
  let kafka: Kafka;
  let billwerk: FakeBillwerk;
  let database: TestDatabase;
  let instances: RunningRetention[];
  let hooks: HookPublisher;
  const groupId = `retention-test-${randomUUID()}`;

  const settle = () => drained(kafka, groupId, instances[0].dataSource);
  const casesOf = async (contractId: string) =>
    (await api<CaseDto[]>(instances[1].url, 'GET', `/retention/cases?contractId=${contractId}`))
      .body;

  beforeAll(async () => {
    kafka = testKafka();
    billwerk = new FakeBillwerk();
    await billwerk.start();
    database = await createPostgresDatabase('retention_test');
    await startGroupAtEnd(kafka, groupId);
    // Two replicas starting together: the advisory lock lets one migrate while the other waits.
    instances = await Promise.all(
      [1, 2].map(() =>
        startRetention({
          database,
          billwerkUrl: billwerk.url,
          groupId,
          // One attempt per call keeps the outage test quick; the client's retries have their own tests.
          env: { RETENTION_REMINDER_DAYS: '7', BILLWERK_MAX_RETRIES: '0' },
        }),
      ),
    );
    hooks = new HookPublisher(kafka);
  });

  afterAll(async () => {
    await hooks?.close();
    for (const instance of instances ?? []) await instance.close();
    await database?.drop();
    await billwerk?.stop();
  });

  it('publishes every action once across two instances, scheduled reminders included', async () => {
    // Reminders fall due a few seconds after the cancellation, so both relays compete for them.
    const contracts = Array.from({ length: 12 }, () =>
      billwerk.addContract({ EndDate: new Date(Date.now() + 7 * DAY + 3000).toISOString() }),
    );
    const from = await actionsSnapshot(kafka);
    for (const contract of contracts) {
      const ids = { ContractId: contract.Id, CustomerId: contract.CustomerId };
      await hooks.publish(
        { Event: 'ContractCancelled', ...ids },
        { Event: 'ContractChanged', ...ids, ContractChangeType: 'EndContract' },
      );
    }
    // The same cancellations again, as billwerk's retries would send them.
    for (const contract of contracts) {
      await hooks.publish({ Event: 'ContractCancelled', ContractId: contract.Id });
    }
    await settle();
    await waitFor('every scheduled reminder to be published', async () => {
      const pending = await instances[0].dataSource.manager.countBy(OutboxEntity, {
        status: 'pending',
        type: 'CancellationReminderDue',
      });
      return pending === 0;
    });

    const actions = await actionsSince(kafka, from);
    for (const contract of contracts) {
      const cases = await casesOf(contract.Id);
      expect(cases).toHaveLength(1);
      const mine = actions.filter((a) => a.key === contract.Id).map((a) => a.event.type);
      expect(mine.sort()).toEqual([
        'retention.CancellationReminderDue',
        'retention.WinBackOfferRequested',
      ]);
    }
    expect(new Set(actions.map((a) => a.event.id)).size).toBe(actions.length);
    expect(actions).toHaveLength(contracts.length * 2);
  });

  it('parks hooks while billwerk is down, loses none, and handles them once it is back', async () => {
    const cancelled = billwerk.addContract({
      EndDate: new Date(Date.now() + 30 * DAY).toISOString(),
    });
    const failing = billwerk.addContract();
    const failed = billwerk.addTransaction(failing, 'Failed');
    const from = await actionsSnapshot(kafka);

    billwerk.down = true;
    await hooks.publish(
      { Event: 'ContractCancelled', ContractId: cancelled.Id },
      { Event: 'PaymentFailed', PaymentTransactionId: failed.Id },
    );
    // Both are parked and their offsets move on (the shared broker carries other hooks too, so
    // the test looks for its own); meanwhile nothing was decided without billwerk's state.
    const parkedOf = async (id: string) => (await parkedHooks(instances[0].dataSource, id)) > 0;
    await waitFor(
      'both hooks to be parked',
      async () => (await parkedOf(cancelled.Id)) && (await parkedOf(failed.Id)),
    );
    expect(await casesOf(cancelled.Id)).toEqual([]);

    billwerk.down = false;
    await waitFor(
      'the parked hooks to be handled',
      async () => !(await parkedOf(cancelled.Id)) && !(await parkedOf(failed.Id)),
    );
    expect(await casesOf(cancelled.Id)).toEqual([expect.objectContaining({ kind: 'win-back' })]);
    expect(await casesOf(failing.Id)).toEqual([
      expect.objectContaining({ kind: 'payment-recovery', reasons: ['PaymentFailed'] }),
    ]);
    await waitFor('their actions to be published', async () => {
      const pending = await instances[0].dataSource.manager.countBy(OutboxEntity, {
        status: 'pending',
        contractId: In([cancelled.Id, failing.Id]),
        type: In(['WinBackOfferRequested', 'PaymentRecoveryRequested']),
      });
      return pending === 0;
    });
    const types = (await actionsSince(kafka, from))
      .filter((a) => a.key === cancelled.Id || a.key === failing.Id)
      .map((a) => a.event.type)
      .sort();
    expect(types).toEqual([
      'retention.PaymentRecoveryRequested',
      'retention.WinBackOfferRequested',
    ]);
  });

  it('sends a hook billwerk refuses for good to the dead-letter topic with error and origin', async () => {
    const contract = billwerk.addContract();
    const transaction = billwerk.addTransaction(contract, 'Failed');
    billwerk.rejectedTransactions.add(transaction.Id);
    const from = await endOffsets(kafka, [RETENTION_DLQ_TOPIC]);
    await hooks.publish({ Event: 'PaymentFailed', PaymentTransactionId: transaction.Id });
    await settle();

    const dead = (
      await readBetween(kafka, from, await endOffsets(kafka, [RETENTION_DLQ_TOPIC]))
    ).filter((m) => m.value.includes(transaction.Id));
    expect(dead).toHaveLength(1);
    expect(dead[0].headers).toMatchObject({
      'dlq-error-code': 'REJECTED',
      'dlq-attempts': '1',
      'dlq-origin-topic': 'billwerk.payment.v1',
      ce_type: 'billwerk.PaymentFailed',
    });
    expect(dead[0].headers['dlq-origin-offset']).toMatch(/^\d+$/);
    expect(JSON.parse(dead[0].value)).toMatchObject({
      data: { PaymentTransactionId: transaction.Id },
    });
    expect(await casesOf(contract.Id)).toEqual([]);
  });
});
