import type { ProblemDetails } from '@app/platform';
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { TEST_DATABASES, type TestDatabase } from '../../../test/support/databases';
import type { CaseDto } from '../src/retention-case/retention-case.dto';
import { billwerkId, FakeBillwerk } from './fake-billwerk';
import {
  actionsSince,
  actionsSnapshot,
  api,
  drained,
  HookPublisher,
  startGroupAtEnd,
  startRetention,
  testKafka,
  type RunningRetention,
} from './retention-harness';

const DISCOUNT = billwerkId();
const GOLD = billwerkId();
const DAY = 24 * 3600 * 1000;

function future(days: number): string {
  return new Date(Date.now() + days * DAY).toISOString().replace('Z', '0000Z');
}

describe.each(TEST_DATABASES)('retention workflows on %s', (_name, createDatabase) => {
  let kafka: Kafka;
  let billwerk: FakeBillwerk;
  let database: TestDatabase;
  let retention: RunningRetention;
  let hooks: HookPublisher;
  const groupId = `retention-test-${randomUUID()}`;

  const settle = () => drained(kafka, groupId, retention.dataSource);
  const cases = async (query: string) =>
    (await api<CaseDto[]>(retention.url, 'GET', `/retention/cases?${query}`)).body;

  beforeAll(async () => {
    kafka = testKafka();
    billwerk = new FakeBillwerk();
    await billwerk.start();
    database = await createDatabase();
    await startGroupAtEnd(kafka, groupId);
    retention = await startRetention({
      database,
      billwerkUrl: billwerk.url,
      groupId,
      env: { RETENTION_OFFER_RULES: `${GOLD}=${DISCOUNT},*=none`, RETENTION_REMINDER_DAYS: '7' },
    });
    hooks = new HookPublisher(kafka);
  });

  afterAll(async () => {
    await hooks?.close();
    await retention?.close();
    await database?.drop();
    await billwerk?.stop();
  });

  it('win-back: one case and one offer request for a cancellation seen three times, won on withdrawal', async () => {
    const contract = billwerk.addContract({ PlanVariantId: GOLD, EndDate: future(30) });
    const ids = { ContractId: contract.Id, CustomerId: contract.CustomerId };
    const from = await actionsSnapshot(kafka);
    await hooks.publish(
      { Event: 'ContractCancelled', ...ids },
      { Event: 'ContractChanged', ...ids, ContractChangeType: 'EndContract' },
      { Event: 'ContractCancelled', ...ids },
    );
    await settle();

    const [opened] = await cases(`contractId=${contract.Id}`);
    expect(await cases(`contractId=${contract.Id}`)).toHaveLength(1);
    expect(opened).toMatchObject({
      kind: 'win-back',
      status: 'open',
      offer: { discountId: DISCOUNT },
      contact: { name: 'Erika Mustermann', locale: 'de-DE' },
    });
    const actions = await actionsSince(kafka, from);
    expect(actions).toHaveLength(1);
    expect(actions[0].key).toBe(contract.Id);
    expect(actions[0].headers).toMatchObject({ ce_type: 'retention.WinBackOfferRequested' });
    expect(actions[0].event).toMatchObject({
      type: 'retention.WinBackOfferRequested',
      subject: contract.Id,
      data: {
        caseId: opened.id,
        reason: 'ContractCancelled',
        offer: { discountId: DISCOUNT },
        contact: { email: `erika.${contract.CustomerId}@example.com` },
      },
    });

    const detail = (await api(retention.url, 'GET', `/retention/cases/${opened.id}`)).body;
    expect(detail.actions.map((a) => [a.type, a.status])).toEqual([
      ['WinBackOfferRequested', 'published'],
      ['CancellationReminderDue', 'pending'],
    ]);
    expect(detail.timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining(['hook', 'state', 'decision', 'action']),
    );

    billwerk.update(contract.Id, { EndDate: undefined });
    await hooks.publish({ Event: 'ContractChanged', ...ids, ContractChangeType: 'Resume' });
    await settle();
    const closed = (await api(retention.url, 'GET', `/retention/cases/${opened.id}`)).body;
    expect(closed).toMatchObject({ status: 'closed', outcome: 'won' });
    expect(closed.actions[1]).toMatchObject({
      type: 'CancellationReminderDue',
      status: 'cancelled',
    });
  });

  it('decides from fetched state: a late cancellation hook after the withdrawal opens nothing', async () => {
    const contract = billwerk.addContract();
    await hooks.publish({ Event: 'ContractCancelled', ContractId: contract.Id });
    await settle();
    expect(await cases(`contractId=${contract.Id}`)).toEqual([]);
  });

  it('reminds at once when the end is near, and closes lost once the EndDate passed', async () => {
    const contract = billwerk.addContract({ EndDate: future(2) });
    const from = await actionsSnapshot(kafka);
    await hooks.publish({ Event: 'ContractCancelled', ContractId: contract.Id });
    await settle();
    const types = (await actionsSince(kafka, from)).map((a) => a.event.type).sort();
    expect(types).toEqual(['retention.CancellationReminderDue', 'retention.WinBackOfferRequested']);
    const [open] = await cases(`contractId=${contract.Id}`);
    expect(open.offer).toBeNull();

    billwerk.update(contract.Id, { EndDate: new Date(Date.now() - DAY).toISOString() });
    await hooks.publish({ Event: 'ContractChanged', ContractId: contract.Id });
    await settle();
    expect((await cases(`contractId=${contract.Id}`))[0]).toMatchObject({ outcome: 'lost' });
  });

  it('payment recovery: failure resolved through the transaction, escalation added, recovered once', async () => {
    const contract = billwerk.addContract();
    const failed = billwerk.addTransaction(contract, 'Failed');
    const from = await actionsSnapshot(kafka);
    await hooks.publish(
      { Event: 'PaymentFailed', PaymentTransactionId: failed.Id },
      { Event: 'PaymentFailed', PaymentTransactionId: failed.Id },
      {
        Event: 'PaymentEscalated',
        ContractId: contract.Id,
        CustomerId: contract.CustomerId,
        PaymentEscalationProcessId: billwerkId(),
        TriggerDays: 5,
      },
    );
    await settle();
    const [open] = await cases(`contractId=${contract.Id}&kind=payment-recovery`);
    expect(open).toMatchObject({ status: 'open', reasons: ['PaymentFailed', 'PaymentEscalated'] });

    const succeeded = billwerk.addTransaction(contract, 'Succeeded');
    await hooks.publish({ Event: 'PaymentSucceeded', PaymentTransactionId: succeeded.Id });
    await settle();
    // A late copy of the old failure must not reopen anything.
    await hooks.publish({ Event: 'PaymentFailed', PaymentTransactionId: failed.Id });
    await settle();

    expect(await cases(`contractId=${contract.Id}`)).toEqual([
      expect.objectContaining({ id: open.id, status: 'closed', outcome: 'recovered' }),
    ]);
    const actions = (await actionsSince(kafka, from)).map((a) => [
      a.event.type,
      a.event.data.reason,
    ]);
    expect(actions).toEqual([
      ['retention.PaymentRecoveryRequested', 'PaymentFailed'],
      ['retention.PaymentRecoveryRequested', 'PaymentEscalated'],
      ['retention.PaymentRecovered', 'PaymentSucceeded'],
    ]);
  });

  it('payment recovery: a pause is read from the contract and lifts only when the state confirms', async () => {
    const contract = billwerk.addContract();
    await hooks.publish({ Event: 'PaymentProcessStatusChanged', ContractId: contract.Id });
    await settle();
    expect(await cases(`contractId=${contract.Id}`)).toEqual([]);

    billwerk.update(contract.Id, { RecurringPaymentsPaused: true });
    await hooks.publish(
      { Event: 'PaymentProcessStatusChanged', ContractId: contract.Id },
      { Event: 'DunningCreated', ContractID: contract.Id, DunningId: billwerkId() },
      { Event: 'PaymentDataChanged', ContractId: contract.Id },
    );
    await settle();
    expect(await cases(`contractId=${contract.Id}`)).toEqual([
      expect.objectContaining({
        status: 'open',
        reasons: ['RecurringPaymentsPaused', 'DunningCreated'],
      }),
    ]);

    billwerk.update(contract.Id, { RecurringPaymentsPaused: false });
    await hooks.publish({ Event: 'PaymentEscalationReset', ContractId: contract.Id });
    await settle();
    expect((await cases(`contractId=${contract.Id}`))[0]).toMatchObject({ outcome: 'recovered' });
  });

  it('trial conversion: one nudge per trial, none once the trial is over', async () => {
    const trial = billwerk.addContract({
      CurrentPhase: { Type: 'Trial', StartDate: '2026-11-01T00:00:00.0000000Z' },
    });
    const converted = billwerk.addContract();
    const from = await actionsSnapshot(kafka);
    await hooks.publish(
      { Event: 'TrialEndApproaching', ContractId: trial.Id },
      { Event: 'TrialEndApproaching', ContractId: trial.Id },
      { Event: 'TrialEndApproaching', ContractId: converted.Id },
    );
    await settle();
    const actions = await actionsSince(kafka, from);
    expect(actions.map((a) => [a.event.type, a.event.subject])).toEqual([
      ['retention.TrialEndingNudge', trial.Id],
    ]);
    expect(await cases(`contractId=${trial.Id}`)).toEqual([
      expect.objectContaining({ kind: 'trial-conversion', status: 'closed', outcome: 'nudged' }),
    ]);
  });

  it('erasure: CustomerDeleted closes open cases, cancels scheduled actions, erases contact data', async () => {
    const contract = billwerk.addContract({ EndDate: future(40) });
    await hooks.publish({ Event: 'ContractCancelled', ContractId: contract.Id });
    await settle();
    await hooks.publish({ Event: 'CustomerDeleted', CustomerId: contract.CustomerId });
    await settle();
    const [erased] = await cases(`customerId=${contract.CustomerId}`);
    expect(erased).toMatchObject({
      status: 'closed',
      outcome: 'erased',
      contact: null,
      contractId: contract.Id,
      customerId: contract.CustomerId,
    });
    const detail = (await api(retention.url, 'GET', `/retention/cases/${erased.id}`)).body;
    expect(detail.actions.map((a) => a.status)).toEqual(['published', 'cancelled']);
    expect(JSON.stringify(detail)).not.toContain('Erika');
    expect(JSON.stringify(detail)).not.toContain('@example.com');
  });

  it('API: apply-offer applies the discount in billwerk once; close; bearer token required', async () => {
    const contract = billwerk.addContract({ PlanVariantId: GOLD, EndDate: future(30) });
    await hooks.publish({ Event: 'ContractCancelled', ContractId: contract.Id });
    await settle();
    const [open] = await cases(`contractId=${contract.Id}`);

    const refused = await api<ProblemDetails>(retention.url, 'GET', '/retention/cases', {
      token: null,
    });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ status: 401, detail: expect.stringContaining('bearer') });
    expect(
      (await api(retention.url, 'GET', '/retention/cases', { token: 'wrong-token-0123456789' }))
        .status,
    ).toBe(401);

    const applied = await api(retention.url, 'POST', `/retention/cases/${open.id}/apply-offer`);
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ status: 'closed', outcome: 'offer-applied' });
    expect(billwerk.appliedDiscounts).toContainEqual({
      contractId: contract.Id,
      discountId: DISCOUNT,
    });
    const again = await api(retention.url, 'POST', `/retention/cases/${open.id}/apply-offer`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      type: 'urn:billwerk-bridge:problem:case-conflict',
      title: 'Conflict',
      status: 409,
    });
    expect(billwerk.appliedDiscounts.filter((d) => d.contractId === contract.Id)).toHaveLength(1);

    // The cancellation still stands: a later hook about it does not reopen a handled case.
    await hooks.publish({ Event: 'ContractChanged', ContractId: contract.Id });
    await settle();
    expect(await cases(`contractId=${contract.Id}`)).toHaveLength(1);

    const other = billwerk.addContract({ EndDate: future(30) });
    await hooks.publish({ Event: 'ContractCancelled', ContractId: other.Id });
    await settle();
    const [second] = await cases(`contractId=${other.Id}`);
    const closed = await api(retention.url, 'POST', `/retention/cases/${second.id}/close`, {
      body: { note: 'customer called' },
    });
    expect(closed.body).toMatchObject({ status: 'closed', outcome: 'closed-manually' });
    expect(
      (await api(retention.url, 'POST', `/retention/cases/${second.id}/close`, { body: {} }))
        .status,
    ).toBe(409);
    const missing = await api<ProblemDetails>(
      retention.url,
      'GET',
      `/retention/cases/${randomUUID()}`,
    );
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ type: 'urn:billwerk-bridge:problem:case-not-found' });
    const invalid = await api<ProblemDetails>(
      retention.url,
      'GET',
      '/retention/cases?status=nonsense',
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual([{ field: 'status', detail: expect.any(String) }]);
  });
});
