import type { Contract, PaymentTransaction } from '@app/billwerk-api';
import type { DataSource } from 'typeorm';
import type { BillwerkGateway } from '../domain/billwerk-gateway';
import { OfferRules } from '../domain/offer-rules';
import { OutboxEntity } from '../outbox/outbox.entity';
import { openRetentionStore } from '../persistence/retention-data-source';
import { WorkflowEngine } from './workflow-engine';

const CONTRACT = '6560f0c2a9b8d7e6f5a4b3c2';
const CUSTOMER = '6560f0c2a9b8d7e6f5a4b3c1';

describe('WorkflowEngine closing a case', () => {
  let dataSource: DataSource;
  let now: number;
  const transactions = new Map<string, PaymentTransaction>();

  beforeEach(async () => {
    dataSource = await openRetentionStore({ sqlitePath: ':memory:', poolSize: 1 });
    now = Date.parse('2026-11-25T12:00:00Z');
  });

  afterEach(() => dataSource.destroy());

  it('keeps an action that is already due (not yet relayed) and cancels only later ones', async () => {
    const billwerk = {
      getContract: () =>
        Promise.resolve({ Id: CONTRACT, CustomerId: CUSTOMER } as unknown as Contract),
      getCustomer: () => Promise.resolve({ Id: CUSTOMER, FirstName: 'Anna', LastName: 'Schmidt' }),
      getPaymentTransaction: (id: string) => Promise.resolve(transactions.get(id)),
      applyDiscount: () => Promise.reject(new Error('not asked')),
    } as unknown as BillwerkGateway;
    const engine = new WorkflowEngine(
      dataSource,
      billwerk,
      { rules: OfferRules.none, reminderDaysBeforeEnd: 7, stalePaymentHookMs: 86_400_000 },
      { caseOpened: () => undefined, caseClosed: () => undefined },
      () => new Date(now),
    );
    transactions.set('t1', {
      Id: 't1',
      ContractId: CONTRACT,
      CustomerId: CUSTOMER,
      Status: 'Failed',
    } as unknown as PaymentTransaction);
    transactions.set('t2', {
      Id: 't2',
      ContractId: CONTRACT,
      CustomerId: CUSTOMER,
      Status: 'Succeeded',
    } as unknown as PaymentTransaction);

    await engine.handle({
      event: 'PaymentFailed',
      body: { Event: 'PaymentFailed', PaymentTransactionId: 't1' },
      envelopeId: 'e1',
      receivedAt: null,
    });
    now += 10;
    // Recovered before the relay published the request: both go out, in that order.
    await engine.handle({
      event: 'PaymentSucceeded',
      body: { Event: 'PaymentSucceeded', PaymentTransactionId: 't2' },
      envelopeId: 'e2',
      receivedAt: null,
    });

    const rows = await dataSource.manager.find(OutboxEntity, { order: { dueAt: 'ASC' } });
    expect(rows.map((row) => [row.type, row.status])).toEqual([
      ['PaymentRecoveryRequested', 'pending'],
      ['PaymentRecovered', 'pending'],
    ]);
  });
});
