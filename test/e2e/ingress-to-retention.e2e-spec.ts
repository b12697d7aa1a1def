/**
 * billwerk → ingress → Kafka → retention → retention.actions.v1, for each retention scenario of
 * the simulator's catalog (cancel-withdraw, cancel-ends, trial-ends, payment-recovery,
 * customer-deleted), with billwerk's API played by the retention test server and its hooks posted
 * to the real ingress over HTTP as billwerk sends them, repeats included.
 */
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import {
  postHook,
  SANDBOX_TOKEN,
  startIngress,
  type RunningIngress,
} from '../../apps/ingress/test/ingress-harness';
import { billwerkId, FakeBillwerk } from '../../apps/retention/test/fake-billwerk';
import {
  actionsSince,
  actionsSnapshot,
  api,
  drained,
  startGroupAtEnd,
  startRetention,
  testKafka,
  type RunningRetention,
} from '../../apps/retention/test/retention-harness';
import type { CaseDto } from '../../apps/retention/src/retention-case/retention-case.dto';
import { createPostgresDatabase, type TestDatabase } from '../support/databases';

const DAY = 24 * 3600 * 1000;
const PREMIUM = billwerkId();
const LOYALTY_DISCOUNT = billwerkId();

function inDays(days: number): string {
  return new Date(Date.now() + days * DAY).toISOString();
}

describe('e2e: billwerk hooks through the ingress to retention actions', () => {
  let kafka: Kafka;
  let billwerk: FakeBillwerk;
  let database: TestDatabase;
  let ingress: RunningIngress;
  let retention: RunningRetention;
  const groupId = `retention-e2e-${randomUUID()}`;

  /** Posts hooks to the ingress one by one, as billwerk does; each must be acknowledged. */
  async function send(...bodies: Array<Record<string, unknown>>): Promise<void> {
    for (const body of bodies) {
      const answer = await postHook(
        `${ingress.url}/billwerk-hook/${SANDBOX_TOKEN}`,
        JSON.stringify(body),
      );
      expect(answer.status).toBeLessThan(300);
    }
    await drained(kafka, groupId, retention.dataSource);
  }

  const casesOf = async (contractId: string) =>
    (await api<CaseDto[]>(retention.url, 'GET', `/retention/cases?contractId=${contractId}`)).body;

  beforeAll(async () => {
    kafka = testKafka();
    billwerk = new FakeBillwerk();
    await billwerk.start();
    database = await createPostgresDatabase('retention_e2e');
    await startGroupAtEnd(kafka, groupId);
    ingress = await startIngress();
    retention = await startRetention({
      database,
      billwerkUrl: billwerk.url,
      groupId,
      env: { RETENTION_OFFER_RULES: `${PREMIUM}=${LOYALTY_DISCOUNT}` },
    });
  });

  afterAll(async () => {
    await retention?.close();
    await ingress?.close();
    await database?.drop();
    await billwerk?.stop();
  });

  it('cancel-withdraw: one win-back case and offer, won when the cancellation is withdrawn', async () => {
    const contract = billwerk.addContract({ PlanVariantId: PREMIUM });
    const ids = { ContractId: contract.Id, CustomerId: contract.CustomerId };
    const from = await actionsSnapshot(kafka);
    billwerk.update(contract.Id, { EndDate: inDays(30) });
    await send(
      { Event: 'ContractCancelled', ...ids, ContractChangeId: billwerkId() },
      { Event: 'ContractChanged', ...ids, ContractChangeType: 'EndContract' },
      { Event: 'ContractCancelled', ...ids },
    );
    billwerk.update(contract.Id, { EndDate: undefined });
    await send({ Event: 'ContractChanged', ...ids, ContractChangeType: 'Resume' });

    expect(await casesOf(contract.Id)).toEqual([
      expect.objectContaining({ kind: 'win-back', status: 'closed', outcome: 'won' }),
    ]);
    const actions = await actionsSince(kafka, from);
    expect(actions.map((a) => a.event.type)).toEqual(['retention.WinBackOfferRequested']);
    expect(actions[0].event.data).toMatchObject({
      offer: { discountId: LOYALTY_DISCOUNT },
      contact: { name: 'Erika Mustermann', locale: 'de-DE' },
    });
  });

  it('cancel-ends: the case is lost once billwerk ends the contract', async () => {
    const contract = billwerk.addContract();
    billwerk.update(contract.Id, { EndDate: inDays(30) });
    await send({ Event: 'ContractCancelled', ContractId: contract.Id });
    billwerk.update(contract.Id, {
      LifecycleStatus: 'Ended',
      CurrentPhase: { Type: 'Inactive', StartDate: inDays(0) },
    });
    await send({
      Event: 'ContractChanged',
      ContractId: contract.Id,
      ContractChangeType: 'Timebased',
    });
    expect(await casesOf(contract.Id)).toEqual([
      expect.objectContaining({ status: 'closed', outcome: 'lost' }),
    ]);
  });

  it('trial-ends: one nudge, nothing after the trial became a normal phase', async () => {
    const contract = billwerk.addContract({
      CurrentPhase: { Type: 'Trial', StartDate: new Date(Date.now() - 10 * DAY).toISOString() },
    });
    const from = await actionsSnapshot(kafka);
    await send({ Event: 'TrialEndApproaching', ContractId: contract.Id });
    billwerk.update(contract.Id, { CurrentPhase: { Type: 'Normal', StartDate: inDays(0) } });
    await send(
      { Event: 'ContractChanged', ContractId: contract.Id, ContractChangeType: 'Timebased' },
      { Event: 'TrialEndApproaching', ContractId: contract.Id },
    );
    const actions = await actionsSince(kafka, from);
    expect(actions.filter((a) => a.key === contract.Id).map((a) => a.event.type)).toEqual([
      'retention.TrialEndingNudge',
    ]);
  });

  it('payment-recovery: failure, escalation, dunning and pause on one case, recovered when payments resume', async () => {
    const contract = billwerk.addContract();
    const ids = { ContractId: contract.Id, CustomerId: contract.CustomerId };
    const from = await actionsSnapshot(kafka);
    const failed = billwerk.addTransaction(contract, 'Failed');
    await send({ Event: 'PaymentFailed', PaymentTransactionId: failed.Id });
    await send(
      {
        Event: 'PaymentEscalated',
        ...ids,
        TriggerDays: 5,
        PaymentEscalationProcessId: billwerkId(),
      },
      { Event: 'DunningCreated', ContractID: contract.Id, DunningId: billwerkId() },
    );
    billwerk.update(contract.Id, { RecurringPaymentsPaused: true });
    await send({ Event: 'PaymentProcessStatusChanged', ...ids });
    const paid = billwerk.addTransaction(contract, 'Succeeded');
    // Paid while still paused: not recovered yet.
    await send(
      { Event: 'PaymentSucceeded', PaymentTransactionId: paid.Id },
      { Event: 'PaymentEscalationReset', ...ids },
    );
    expect((await casesOf(contract.Id))[0]).toMatchObject({ status: 'open' });
    billwerk.update(contract.Id, { RecurringPaymentsPaused: false });
    await send({ Event: 'PaymentProcessStatusChanged', ...ids });

    expect(await casesOf(contract.Id)).toEqual([
      expect.objectContaining({
        kind: 'payment-recovery',
        outcome: 'recovered',
        reasons: ['PaymentFailed', 'PaymentEscalated', 'DunningCreated', 'RecurringPaymentsPaused'],
      }),
    ]);
    const actions = (await actionsSince(kafka, from)).filter((a) => a.key === contract.Id);
    expect(actions.map((a) => [a.event.type, a.event.data.reason])).toEqual([
      ['retention.PaymentRecoveryRequested', 'PaymentFailed'],
      ['retention.PaymentRecoveryRequested', 'PaymentEscalated'],
      ['retention.PaymentRecoveryRequested', 'DunningCreated'],
      ['retention.PaymentRecoveryRequested', 'RecurringPaymentsPaused'],
      ['retention.PaymentRecovered', 'PaymentProcessStatusChanged'],
    ]);
  });

  it('customer-deleted: open cases of both contracts closed and erased, ids kept', async () => {
    const first = billwerk.addContract({ EndDate: inDays(20) });
    const second = billwerk.addContract({ CustomerId: first.CustomerId });
    const failed = billwerk.addTransaction(second, 'Failed');
    await send(
      { Event: 'ContractCancelled', ContractId: first.Id },
      { Event: 'PaymentFailed', PaymentTransactionId: failed.Id },
    );
    billwerk.contracts.delete(first.Id);
    billwerk.contracts.delete(second.Id);
    billwerk.customers.delete(first.CustomerId);
    await send(
      { Event: 'CustomerDeleted', CustomerId: first.CustomerId },
      { Event: 'ContractDeleted', ContractId: first.Id },
      { Event: 'ContractDeleted', ContractId: second.Id },
    );
    const cases = (
      await api<CaseDto[]>(retention.url, 'GET', `/retention/cases?customerId=${first.CustomerId}`)
    ).body;
    expect(cases).toHaveLength(2);
    for (const erased of cases) {
      expect(erased).toMatchObject({ status: 'closed', outcome: 'erased', contact: null });
    }
  });

  it('exposes the scenarios on /metrics: cases by kind and outcome, win-back rate, billwerk latency', async () => {
    const text = await (await fetch(`${retention.url}/metrics`)).text();
    expect(text).toMatch(/retention_cases_opened_total\{[^}]*kind="win-back"[^}]*\} [1-9]/);
    expect(text).toMatch(
      /retention_cases_closed_total\{[^}]*kind="win-back",outcome="won"[^}]*\} 1/,
    );
    expect(text).toMatch(/retention_cases_closed_total\{[^}]*outcome="recovered"[^}]*\} 1/);
    // Decided win-back cases so far: one won, one lost (the erased one is no decision).
    expect(text).toMatch(/retention_win_back_rate\{[^}]*\} 0\.5/);
    expect(text).toMatch(
      /retention_billwerk_request_duration_seconds_count\{[^}]*operation="getContract"/,
    );
    expect(text).toMatch(
      /retention_case_resolution_seconds_count\{[^}]*outcome="recovered"[^}]*\} 1/,
    );
    // What the consumer and billwerk API alerts read (docs/alerts.md).
    expect(text).toMatch(/retention_consumer_lag\{[^}]*topic="billwerk\.contract\.v1"[^}]*\} \d/);
    expect(text).toMatch(
      /billwerk_api_request_duration_seconds_count\{[^}]*operation="getContract",outcome="ok",status="200"/,
    );
  });
});
