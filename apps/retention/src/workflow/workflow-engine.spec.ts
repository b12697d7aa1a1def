import {
  BillwerkNotFoundError,
  type Contract,
  type Customer,
  type PaymentTransaction,
} from '@app/billwerk-api';
import { QueryFailedError } from 'typeorm';
import { CONTRACT, CUSTOMER, newCase } from '../../test/store-fixtures';
import type { BillwerkGateway } from '../domain/billwerk-gateway';
import { OfferRules } from '../domain/offer-rules';
import type { CaseKind, CaseOutcome } from '../domain/retention-model';
import type { CaseRecord } from '../persistence/records';
import { openRetentionStore, type RetentionStore } from '../persistence/retention-store';
import { CaseCloser } from './case-closer';
import type { IncomingHook } from './hook';
import { WorkflowEngine } from './workflow-engine';

const GOLD = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const DISCOUNT = 'dddddddddddddddddddddddd';
const END = '2026-12-31T00:00:00.000Z';

/** billwerk as the engine sees it: what the test put there; `onCustomer` runs on each read. */
class FakeBillwerk {
  contract: Contract = {
    Id: CONTRACT,
    CustomerId: CUSTOMER,
    PlanVariantId: GOLD,
    EndDate: END,
    CurrentPhase: { Type: 'Normal', StartDate: '2026-01-01T00:00:00Z' },
  } as Contract;
  readonly transactions = new Map<string, PaymentTransaction>();
  onCustomer: () => Promise<void> = () => Promise.resolve();

  readonly gateway = {
    getContract: () => Promise.resolve(this.contract),
    getCustomer: async () => {
      await this.onCustomer();
      return { Id: CUSTOMER, FirstName: 'Anna', LastName: 'Schmidt' } as Customer;
    },
    getPaymentTransaction: (id: string) => Promise.resolve(this.transactions.get(id)),
    applyDiscount: () => Promise.reject(new Error('not asked')),
  } as unknown as BillwerkGateway;
}

class CountingObserver {
  readonly opened: CaseKind[] = [];
  readonly closed: CaseOutcome[] = [];
  caseOpened(kind: CaseKind): void {
    this.opened.push(kind);
  }
  caseClosed(_kind: CaseKind, outcome: CaseOutcome): void {
    this.closed.push(outcome);
  }
}

let envelopes = 0;
function hook(event: string, body: Record<string, unknown> = {}): IncomingHook {
  envelopes += 1;
  return { event, body: { Event: event, ...body }, envelopeId: `e${envelopes}`, receivedAt: null };
}

const cancelled = () => hook('ContractCancelled', { ContractId: CONTRACT });

/**
 * A store whose first `losing` transactions see the database as it was before a rival committed
 * (as two instances do on Postgres): their reads find no case, and the insert meets the rival's
 * unique key. SQLite runs one transaction at a time, so the conflict is replayed, not raced.
 */
function losingRounds(
  store: RetentionStore,
  losing: number,
): { store: RetentionStore; rounds: () => number } {
  let rounds = 0;
  const conflict = new QueryFailedError(
    'INSERT INTO "retention_case"',
    [],
    Object.assign(new Error('UNIQUE constraint failed: retention_case.dedupKey'), {
      code: 'SQLITE_CONSTRAINT_UNIQUE',
    }),
  );
  const racing = Object.create(store) as RetentionStore;
  racing.transaction = (work) =>
    store.transaction((tx) => {
      rounds += 1;
      if (rounds > losing) return work(tx);
      const cases = Object.create(tx.cases) as RetentionStore['cases'];
      cases.ofContract = () => Promise.resolve([]);
      cases.open = () => Promise.reject(conflict);
      return work(Object.create(tx, { cases: { value: cases } }) as RetentionStore);
    });
  return { store: racing, rounds: () => rounds };
}

describe('WorkflowEngine', () => {
  let store: RetentionStore;
  let billwerk: FakeBillwerk;
  let observer: CountingObserver;
  let now: number;

  const engineOn = (on: RetentionStore) =>
    new WorkflowEngine(
      on,
      billwerk.gateway,
      {
        rules: OfferRules.parse(`${GOLD}=${DISCOUNT}`),
        reminderDaysBeforeEnd: 7,
        stalePaymentHookMs: 86_400_000,
      },
      observer,
      () => new Date(now),
    );
  const casesOfContract = (): Promise<CaseRecord[]> =>
    store.cases.list({ contractId: CONTRACT }, { limit: 10, offset: 0 });
  const actionsOf = async (caseId: string) =>
    (await store.outbox.ofCase(caseId)).map((action) => [action.type, action.status]);

  beforeEach(async () => {
    store = await openRetentionStore({ sqlitePath: ':memory:', poolSize: 1 });
    billwerk = new FakeBillwerk();
    observer = new CountingObserver();
    now = Date.parse('2026-11-25T12:00:00Z');
  });

  afterEach(() => store.close());

  it('opens a win-back case with the offer, its request and a reminder, and a timeline', async () => {
    expect(await engineOn(store).handle(cancelled())).toEqual({
      relevant: true,
      summary: `cancellation to ${END}: open win-back case, offer ${DISCOUNT}`,
    });
    const [opened] = await casesOfContract();
    expect(opened).toMatchObject({
      kind: 'win-back',
      status: 'open',
      endDate: END,
      offerDiscountId: DISCOUNT,
      reasons: ['ContractCancelled'],
      contact: { name: 'Anna Schmidt', email: null, locale: null },
    });
    expect(await actionsOf(opened.id)).toEqual([
      ['WinBackOfferRequested', 'pending'],
      ['CancellationReminderDue', 'pending'],
    ]);
    expect((await store.cases.timelineOf(opened.id)).map((entry) => entry.type)).toEqual([
      'hook',
      'state',
      'decision',
      'action',
      'action',
    ]);
    expect(observer.opened).toEqual(['win-back']);
  });

  it('handles a repeated hook once: the second finds the open case', async () => {
    const engine = engineOn(store);
    await engine.handle(cancelled());
    expect(await engine.handle(cancelled())).toEqual({
      relevant: true,
      summary: `cancellation to ${END} already has an open case`,
    });
    const cases = await casesOfContract();
    expect(cases).toHaveLength(1);
    expect(await actionsOf(cases[0].id)).toHaveLength(2);
    expect(observer.opened).toEqual(['win-back']);
  });

  it('decides again after a unique-key conflict: two intakes racing to open the same case', async () => {
    const rival = engineOn(store);
    const losing = losingRounds(store, 1);
    // The rival handles the same hook while this instance fetches the contact: it commits first.
    billwerk.onCustomer = async () => {
      billwerk.onCustomer = () => Promise.resolve();
      await rival.handle(cancelled());
    };

    const outcome = await engineOn(losing.store).handle(cancelled());

    expect(losing.rounds()).toBe(2);
    expect(outcome).toEqual({
      relevant: true,
      summary: `cancellation to ${END} already has an open case`,
    });
    const cases = await casesOfContract();
    expect(cases).toHaveLength(1);
    expect(await actionsOf(cases[0].id)).toEqual([
      ['WinBackOfferRequested', 'pending'],
      ['CancellationReminderDue', 'pending'],
    ]);
    // Only the rival's opening is counted; the lost round told the observer nothing.
    expect(observer.opened).toEqual(['win-back']);
  });

  it('gives up on a conflict that persists, so intake can dead-letter the hook', async () => {
    const losing = losingRounds(store, Infinity);
    await expect(engineOn(losing.store).handle(cancelled())).rejects.toBeInstanceOf(
      QueryFailedError,
    );
    expect(losing.rounds()).toBe(3);
    expect(await casesOfContract()).toEqual([]);
  });

  it('keeps an action that is already due (not yet relayed) and cancels only later ones', async () => {
    billwerk.transactions.set('t1', {
      Id: 't1',
      ContractId: CONTRACT,
      CustomerId: CUSTOMER,
      Status: 'Failed',
    } as PaymentTransaction);
    billwerk.transactions.set('t2', {
      Id: 't2',
      ContractId: CONTRACT,
      CustomerId: CUSTOMER,
      Status: 'Succeeded',
    } as PaymentTransaction);
    const engine = engineOn(store);
    await engine.handle(hook('PaymentFailed', { PaymentTransactionId: 't1' }));
    now += 10;
    // Recovered before the relay published the request: both go out, in that order.
    await engine.handle(hook('PaymentSucceeded', { PaymentTransactionId: 't2' }));

    const [recovery] = await casesOfContract();
    expect(recovery).toMatchObject({ kind: 'payment-recovery', outcome: 'recovered' });
    expect(await actionsOf(recovery.id)).toEqual([
      ['PaymentRecoveryRequested', 'pending'],
      ['PaymentRecovered', 'pending'],
    ]);
    expect(observer.closed).toEqual(['recovered']);
  });

  it('erases a customer: open cases close, contacts go from cases and queued actions', async () => {
    await engineOn(store).handle(cancelled());
    expect(await engineOn(store).handle(hook('CustomerDeleted', { CustomerId: CUSTOMER }))).toEqual(
      { relevant: true, summary: 'CustomerDeleted: 1 case(s) erased' },
    );
    const [erased] = await casesOfContract();
    expect(erased).toMatchObject({ status: 'closed', outcome: 'erased', contact: null });
    expect(await actionsOf(erased.id)).toEqual([
      ['WinBackOfferRequested', 'cancelled'],
      ['CancellationReminderDue', 'cancelled'],
    ]);
    const claimed = await store.outbox.claimDue(
      '2027-01-01T00:00:00.000Z',
      '2027-01-01T00:02:00.000Z',
      10,
    );
    expect(claimed).toEqual([]);
    expect(observer.closed).toEqual(['erased']);
  });

  it('records a hook about a contract billwerk does not know in the contract history', async () => {
    billwerk.gateway.getContract = () =>
      Promise.reject(new BillwerkNotFoundError('getContract', 'HTTP 404'));
    const outcome = await engineOn(store).handle(cancelled());
    expect(outcome).toEqual({
      relevant: true,
      summary: `ContractCancelled: contract ${CONTRACT} not found in billwerk; nothing to do`,
    });
    expect(await casesOfContract()).toEqual([]);
  });

  it('ignores events retention has no workflow for', async () => {
    expect(await engineOn(store).handle(hook('PlanCreated'))).toEqual({ relevant: false });
  });
});

describe('CaseCloser', () => {
  let store: RetentionStore;
  let observer: CountingObserver;
  let now: number;

  beforeEach(async () => {
    store = await openRetentionStore({ sqlitePath: ':memory:', poolSize: 1 });
    observer = new CountingObserver();
    now = Date.parse('2026-11-25T12:00:00Z');
  });

  afterEach(() => store.close());

  const openWinBack = (endDate: string) =>
    store.transaction(async (tx) => {
      const record = await tx.cases.open(
        newCase({ dedupKey: `win-back:${CONTRACT}:${endDate}`, endDate }),
      );
      if (!record) throw new Error('not opened');
      return record;
    });

  it('closes a case for an operator once; a second close finds it closed', async () => {
    const record = await openWinBack(END);
    const closer = new CaseCloser(store, observer, () => new Date(now));
    expect(await closer.closeOpenCase(record.id, 'closed-manually', { command: 'close' })).toBe(
      true,
    );
    expect(await closer.closeOpenCase(record.id, 'closed-manually', { command: 'close' })).toBe(
      false,
    );
    expect(await store.cases.find(record.id)).toMatchObject({
      status: 'closed',
      outcome: 'closed-manually',
      dedupKey: null,
    });
    expect((await store.cases.timelineOf(record.id)).map((entry) => entry.type)).toEqual([
      'operator',
      'decision',
    ]);
    expect(observer.closed).toEqual(['closed-manually']);
  });

  it('closes win-back cases whose EndDate has passed as lost, and only those', async () => {
    const lapsed = await openWinBack('2026-11-20T00:00:00.000Z');
    const running = await openWinBack(END);
    const closer = new CaseCloser(store, observer, () => new Date(now));
    expect(await closer.closeLapsedWinBacks()).toBe(1);
    expect(await store.cases.find(lapsed.id)).toMatchObject({ outcome: 'lost' });
    expect(await store.cases.find(running.id)).toMatchObject({ status: 'open' });
    expect(await closer.closeLapsedWinBacks()).toBe(0);
    expect(observer.closed).toEqual(['lost']);
  });
});
