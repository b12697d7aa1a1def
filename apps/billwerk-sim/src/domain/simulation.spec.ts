import { ANNA, ENTITY_ID, simulationFixture, START } from '../../test/recording-sink';
import { SIM_DISCOUNTS } from './sim-catalog';
import { DAY_MS } from './sim-clock';
import { SimConflictError, SimInvalidFieldsError, SimNotFoundError } from './sim-errors';

describe('Simulation', () => {
  function setup(seed: { trialDays?: number; startedDaysAgo?: number } = {}) {
    const fixture = simulationFixture();
    const customer = fixture.simulation.createCustomer(ANNA);
    const contract = fixture.simulation.createContract(customer.Id, seed);
    return { ...fixture, customer, contract };
  }

  it('creates contacts and contracts silently, with the fields the workflows read', () => {
    const { sink, customer, contract } = setup();
    expect(sink.hooks).toEqual([]);
    expect(customer).toMatchObject({
      FirstName: 'Anna',
      CustomerName: 'Anna Schmidt',
      Locale: 'de-DE',
      Language: 'de',
    });
    expect(contract).toMatchObject({
      CustomerId: customer.Id,
      LifecycleStatus: 'Active',
      CurrentPhase: { Type: 'Normal' },
      RecurringPaymentsPaused: false,
      PlanVariantId: expect.stringMatching(/^[0-9a-f]{24}$/),
    });
    expect(contract.EndDate).toBeUndefined();
    expect(Date.parse(contract.NextBillingDate as string)).toBeGreaterThan(START);
  });

  describe('cancellation', () => {
    it('sets a future EndDate and emits ContractCancelled then ContractChanged (EndContract)', () => {
      const { simulation, sink, contract, customer } = setup();
      const change = simulation.cancelContract(contract.Id, 30);

      const after = simulation.contract(contract.Id);
      expect(after.EndDate).toBe(new Date(START + 30 * DAY_MS).toISOString());
      expect(after.LifecycleStatus).toBe('Active');
      expect(sink.hooks).toEqual([
        {
          orderingKey: contract.Id,
          body: {
            Event: 'ContractCancelled',
            ContractId: contract.Id,
            CustomerId: customer.Id,
            EntityId: ENTITY_ID,
            ContractChangeId: change.Id,
          },
        },
        {
          orderingKey: contract.Id,
          body: {
            Event: 'ContractChanged',
            ContractId: contract.Id,
            CustomerId: customer.Id,
            ExternalCustomerId: customer.ExternalCustomerId,
            ContractChangeId: change.Id,
            ContractChangeType: 'EndContract',
            EntityId: ENTITY_ID,
          },
        },
      ]);
      expect(simulation.contractChange(change.Id)).toMatchObject({
        ContractChangeType: 'EndContract',
        EndDate: after.EndDate,
      });
    });

    it('ends at the end of the billing period when no date is given, as the preview says', () => {
      const { simulation, contract } = setup();
      const preview = simulation.cancellationPreview(contract.Id);
      simulation.cancelContract(contract.Id);
      expect(simulation.contract(contract.Id).EndDate).toBe(preview.EndDate);
      expect(preview.EndDate).toBe(contract.NextBillingDate);
    });

    it('refuses to cancel twice', () => {
      const { simulation, contract } = setup();
      simulation.cancelContract(contract.Id, 30);
      expect(() => simulation.cancelContract(contract.Id, 10)).toThrow(SimConflictError);
    });

    it('withdraws: EndDate gone, ContractChanged emitted', () => {
      const { simulation, sink, contract } = setup();
      simulation.cancelContract(contract.Id, 30);
      simulation.withdrawCancellation(contract.Id);
      const after = simulation.contract(contract.Id);
      expect(after.EndDate).toBeUndefined();
      expect(after.Phases?.map((p) => p.Type)).toEqual(['Normal']);
      expect(sink.hooks.at(-1)?.body).toMatchObject({
        Event: 'ContractChanged',
        ContractChangeType: 'Resume',
      });
      expect(() => simulation.withdrawCancellation(contract.Id)).toThrow(SimConflictError);
    });

    it('ends the contract only when the clock passes EndDate', () => {
      const { simulation, sink, contract } = setup();
      simulation.cancelContract(contract.Id, 30);
      simulation.advanceClock(30 * DAY_MS - 1);
      expect(simulation.contract(contract.Id).LifecycleStatus).toBe('Active');
      expect(sink.hooks).toHaveLength(2);

      simulation.advanceClock(1);
      const ended = simulation.contract(contract.Id);
      expect(ended).toMatchObject({ LifecycleStatus: 'Ended', CurrentPhase: { Type: 'Inactive' } });
      expect(ended.NextBillingDate).toBeUndefined();
      expect(sink.hooks.at(-1)?.body).toMatchObject({
        Event: 'ContractChanged',
        ContractChangeType: 'Timebased',
      });
      expect(() => simulation.cancelContract(contract.Id, 1)).toThrow(SimConflictError);
    });
  });

  describe('trial', () => {
    it('announces the end three days ahead, once, then switches Trial to Normal', () => {
      const { simulation, sink, contract } = setup({ startedDaysAgo: 0, trialDays: 14 });
      expect(contract.CurrentPhase?.Type).toBe('Trial');

      simulation.advanceClock(10 * DAY_MS);
      expect(sink.events()).toEqual([]);
      simulation.advanceClock(1 * DAY_MS);
      expect(sink.hooks.map((h) => h.body)).toEqual([
        { Event: 'TrialEndApproaching', ContractId: contract.Id },
      ]);
      simulation.advanceClock(2 * DAY_MS);
      expect(sink.events()).toEqual(['TrialEndApproaching']);
      expect(simulation.contract(contract.Id).CurrentPhase?.Type).toBe('Trial');

      simulation.advanceClock(1 * DAY_MS);
      expect(sink.events()).toEqual(['TrialEndApproaching', 'ContractChanged']);
      expect(simulation.contract(contract.Id).CurrentPhase?.Type).toBe('Normal');
    });

    it('emits both, in order, when one jump crosses the notice and the end', () => {
      const { simulation, sink } = setup({ startedDaysAgo: 0, trialDays: 14 });
      simulation.advanceClock(20 * DAY_MS);
      expect(sink.events()).toEqual(['TrialEndApproaching', 'ContractChanged']);
    });
  });

  describe('payments', () => {
    it('records a failed transaction with its contract and emits PaymentFailed with only its id', () => {
      const { simulation, sink, contract } = setup();
      const transaction = simulation.failPayment(contract.Id, 29.9);
      expect(sink.hooks).toEqual([
        {
          orderingKey: contract.Id,
          body: { Event: 'PaymentFailed', PaymentTransactionId: transaction.Id },
        },
      ]);
      expect(simulation.paymentTransaction(transaction.Id)).toMatchObject({
        ContractId: contract.Id,
        Status: 'Failed',
        Amount: 29.9,
      });
      expect(simulation.invoice(transaction.InvoiceId as string)).toMatchObject({
        IsPaid: false,
        TotalGross: 29.9,
      });
    });

    it('escalates with DunningCreated spelling ContractID', () => {
      const { simulation, sink, contract, customer } = setup();
      simulation.escalatePayment(contract.Id, 10);
      expect(sink.hooks.map((h) => h.body)).toEqual([
        {
          Event: 'PaymentEscalated',
          ContractId: contract.Id,
          CustomerId: customer.Id,
          TriggerDays: 10,
          DueDate: new Date(START - 10 * DAY_MS).toISOString(),
          PaymentEscalationProcessId: expect.stringMatching(/^[0-9a-f]{24}$/),
          EntityId: ENTITY_ID,
        },
        {
          Event: 'DunningCreated',
          DunningId: expect.stringMatching(/^[0-9a-f]{24}$/),
          CustomerId: customer.Id,
          ContractID: contract.Id,
        },
      ]);
    });

    it('toggles RecurringPaymentsPaused with PaymentProcessStatusChanged, refusing a no-op', () => {
      const { simulation, sink, contract } = setup();
      simulation.setRecurringPaymentsPaused(contract.Id, true);
      expect(simulation.contract(contract.Id).RecurringPaymentsPaused).toBe(true);
      expect(() => simulation.setRecurringPaymentsPaused(contract.Id, true)).toThrow(
        SimConflictError,
      );
      simulation.setRecurringPaymentsPaused(contract.Id, false);
      expect(simulation.contract(contract.Id).RecurringPaymentsPaused).toBe(false);
      expect(sink.events()).toEqual(['PaymentProcessStatusChanged', 'PaymentProcessStatusChanged']);
    });
  });

  describe('customer deletion', () => {
    it('emits CustomerDeleted then ContractDeleted per contract under the customer key; all 404 after', () => {
      const { simulation, sink, customer, contract } = setup();
      const second = simulation.createContract(customer.Id);
      simulation.deleteCustomer(customer.Id);
      expect(sink.hooks).toEqual([
        {
          orderingKey: customer.Id,
          body: { Event: 'CustomerDeleted', CustomerId: customer.Id, EntityId: ENTITY_ID },
        },
        { orderingKey: customer.Id, body: { Event: 'ContractDeleted', ContractId: contract.Id } },
        { orderingKey: customer.Id, body: { Event: 'ContractDeleted', ContractId: second.Id } },
      ]);
      expect(() => simulation.customer(customer.Id)).toThrow(SimNotFoundError);
      expect(() => simulation.contract(contract.Id)).toThrow(SimNotFoundError);
    });

    it('can keep the customer answering with DeletedAt', () => {
      const { simulation, customer } = setup();
      simulation.deleteCustomer(customer.Id, true);
      expect(simulation.customer(customer.Id).DeletedAt).toBe(new Date(START).toISOString());
      expect(simulation.customerContracts(customer.Id)).toEqual([]);
    });
  });

  describe('discounts', () => {
    it('subscribes a catalogue discount and emits ContractChanged (DiscountSubscriptionChange)', () => {
      const { simulation, sink, contract } = setup();
      const subscription = simulation.applyDiscount(contract.Id, {
        DiscountId: SIM_DISCOUNTS[0].Id,
      });
      expect(subscription).toMatchObject({
        ContractId: contract.Id,
        DiscountId: SIM_DISCOUNTS[0].Id,
        StartDate: new Date(START).toISOString(),
      });
      expect(simulation.discountSubscriptions(contract.Id)).toEqual([subscription]);
      expect(sink.hooks.at(-1)?.body).toMatchObject({
        ContractChangeType: 'DiscountSubscriptionChange',
      });
    });

    it('refuses an unknown discount and an EndDate before the start', () => {
      const { simulation, sink, contract } = setup();
      expect(() =>
        simulation.applyDiscount(contract.Id, { DiscountId: 'ffffffffffffffffffffffff' }),
      ).toThrow(SimInvalidFieldsError);
      expect(() =>
        simulation.applyDiscount(contract.Id, {
          DiscountId: SIM_DISCOUNTS[0].Id,
          EndDate: '2020-01-01T00:00:00Z',
        }),
      ).toThrow(SimInvalidFieldsError);
      expect(sink.hooks).toEqual([]);
    });
  });
});
