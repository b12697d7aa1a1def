// Over 400 lines on purpose: billwerk's state machine is one piece (a cancellation changes the
// contract's phases, end date and invoices and emits their hooks in billwerk's order); split by
// entity, every change would cross files and the order of its hooks would be nowhere in one place.
import type {
  ApplyDiscountRequest,
  CancellationPreview,
  Contract,
  ContractChange,
  ContractPhase,
  Customer,
  Discount,
  DiscountSubscription,
  Invoice,
  PaymentTransaction,
} from '@app/billwerk-api';
import type { BillwerkEventName } from '@app/contracts';
import { newBillwerkId } from './billwerk-ids';
import { billingDates, contractView } from './contract-view';
import { hookBody, type HookBody, type HookFields } from './hook-body';
import { SIM_PLANS, TRIAL_END_LEAD_DAYS, type SimPlan } from './sim-catalog';
import { addDays, DAY_MS, type SimClock } from './sim-clock';
import { SimConflictError, SimInvalidFieldsError, type FieldProblem } from './sim-errors';
import type { ContractState, SimStore } from './sim-store';

/** Where emitted hooks go: the delivery queue, which keeps one ordering key's hooks in order. */
export interface HookSink {
  enqueue(orderingKey: string, body: HookBody): { id: string };
}

export interface CustomerSeed {
  FirstName: string;
  LastName: string;
  EmailAddress: string;
  Language?: string;
  Locale?: string;
  CompanyName?: string;
  ExternalCustomerId?: string;
}

export interface ContractSeed {
  plan?: SimPlan;
  /** Days before now the contract started. Default 60. */
  startedDaysAgo?: number;
  /** Days of trial from the start; absent means no trial. */
  trialDays?: number;
}

/**
 * billwerk's state machine as far as the workflows see it. Every change is synchronous and emits
 * the hooks billwerk would send for it, in billwerk's order.
 */
export class Simulation {
  /** Set while `record` runs: the delivery ids emitted meanwhile. */
  private recording?: string[];

  constructor(
    private readonly store: SimStore,
    private readonly clock: SimClock,
    private readonly entityId: string,
    private readonly sink: HookSink,
  ) {}

  /** Runs `change` and returns the delivery ids of the hooks it emitted, in order. */
  record(change: () => void): string[] {
    const ids: string[] = [];
    this.recording = ids;
    try {
      change();
    } finally {
      this.recording = undefined;
    }
    return ids;
  }

  // ---- reads (what the API serves) ----

  contract(id: string): Contract {
    return contractView(this.store.contractState(id), this.clock.now());
  }

  customer(id: string): Customer {
    return this.store.customer(id);
  }

  customerContracts(customerId: string): Contract[] {
    this.store.customer(customerId);
    const now = this.clock.now();
    return this.store.contractsOf(customerId).map((state) => contractView(state, now));
  }

  contractChange(id: string): ContractChange {
    return this.store.contractChange(id);
  }

  paymentTransaction(id: string): PaymentTransaction {
    return this.store.paymentTransaction(id);
  }

  invoice(id: string): Invoice {
    return this.store.invoice(id);
  }

  discounts(): Discount[] {
    return [...this.store.discounts.values()];
  }

  discountSubscriptions(contractId: string): DiscountSubscription[] {
    this.store.contractState(contractId);
    return this.store.discountSubscriptions.get(contractId) ?? [];
  }

  /** A cancellation registered now ends the contract at the end of the current billing period. */
  cancellationPreview(contractId: string): CancellationPreview {
    const contract = this.contract(contractId);
    this.requireRunning(contract);
    const { NextBillingDate } = billingDates(contract.StartDate, this.clock.now());
    return { ContractId: contractId, EndDate: NextBillingDate as string };
  }

  // ---- set-up (silent, like data that existed before the simulation) ----

  createCustomer(seed: CustomerSeed): Customer {
    const customer: Customer = {
      Id: newBillwerkId(),
      ExternalCustomerId: seed.ExternalCustomerId ?? `cust-${Math.floor(Math.random() * 1e6)}`,
      CustomerName: `${seed.FirstName} ${seed.LastName}`,
      CompanyName: seed.CompanyName,
      FirstName: seed.FirstName,
      LastName: seed.LastName,
      EmailAddress: seed.EmailAddress,
      Language: seed.Language ?? 'de',
      Locale: seed.Locale ?? 'de-DE',
      CustomerType: seed.CompanyName ? 'Business' : 'Consumer',
      IsLocked: false,
      CreatedAt: this.clock.now().toISOString(),
      Address: {
        Street: 'Hauptstraße',
        HouseNumber: '1',
        PostalCode: '10115',
        City: 'Berlin',
        Country: 'DE',
      },
      CustomFields: {},
    };
    this.store.customers.set(customer.Id, customer);
    return customer;
  }

  createContract(customerId: string, seed: ContractSeed = {}): Contract {
    const customer = this.store.customer(customerId);
    const plan = SIM_PLANS[seed.plan ?? 'basic'];
    const start = addDays(this.clock.now(), -(seed.startedDaysAgo ?? 60));
    const phase = (Type: ContractPhase['Type'], at: Date): ContractPhase => ({
      Type,
      StartDate: at.toISOString(),
      PlanVariantId: plan.PlanVariantId,
      PlanId: plan.PlanId,
      Quantity: 1,
    });
    const phases =
      seed.trialDays === undefined
        ? [phase('Normal', start)]
        : [phase('Trial', start), phase('Normal', addDays(start, seed.trialDays))];
    const id = newBillwerkId();
    const state: ContractState = {
      contract: {
        Id: id,
        CustomerId: customer.Id,
        ...plan,
        ReferenceCode: id.slice(-6).toUpperCase(),
        ExternalId: `contract-${id.slice(-6)}`,
        CustomerName: customer.CustomerName,
        Currency: 'EUR',
        Balance: 0,
        StartDate: start.toISOString(),
        Phases: phases,
        PaymentBearer: {
          Type: 'CreditCard',
          Holder: customer.CustomerName,
          Last4: '4242',
          ExpiryMonth: 12,
          ExpiryYear: 2030,
        },
        PaymentProvider: 'Stripe',
        RecurringPaymentsPaused: false,
        EscalationSuspended: false,
        BillingSuspended: false,
        CustomFields: {},
      },
      trialEndNotified: false,
    };
    this.store.contracts.set(id, state);
    return this.contract(id);
  }

  // ---- changes that emit hooks ----

  /** ContractCancelled and ContractChanged (EndContract); the contract keeps running until EndDate. */
  cancelContract(contractId: string, endInDays?: number): ContractChange {
    const contract = this.contract(contractId);
    this.requireRunning(contract);
    if (contract.EndDate !== undefined) {
      throw new SimConflictError(
        `contract ${contractId} is already cancelled (EndDate ${contract.EndDate})`,
      );
    }
    const endDate =
      endInDays === undefined
        ? this.cancellationPreview(contractId).EndDate
        : addDays(this.clock.now(), endInDays).toISOString();
    const state = this.store.contractState(contractId);
    state.contract.EndDate = endDate;
    state.contract.Phases = [
      ...(state.contract.Phases ?? []),
      {
        Type: 'Inactive',
        StartDate: endDate,
        PlanVariantId: contract.PlanVariantId,
        PlanId: contract.PlanId,
        Quantity: 1,
      },
    ];
    const change = this.recordChange(contract, 'EndContract', this.clock.now(), endDate);
    this.emit(contractId, 'ContractCancelled', {
      ContractId: contractId,
      CustomerId: contract.CustomerId,
      EntityId: this.entityId,
      ContractChangeId: change.Id,
    });
    this.emitContractChanged(contract, change);
    return change;
  }

  /**
   * billwerk has no public "withdraw" call: the merchant removes the end date, and billwerk sends a
   * ContractChanged after which the contract has no EndDate. The change type is not documented;
   * the simulator says `Resume`, so consumers must judge by the contract, not the type.
   */
  withdrawCancellation(contractId: string): ContractChange {
    const contract = this.contract(contractId);
    this.requireRunning(contract);
    if (contract.EndDate === undefined) {
      throw new SimConflictError(`contract ${contractId} has no pending cancellation`);
    }
    const state = this.store.contractState(contractId);
    delete state.contract.EndDate;
    state.contract.Phases = (state.contract.Phases ?? []).filter((p) => p.Type !== 'Inactive');
    const change = this.recordChange(contract, 'Resume', this.clock.now(), undefined);
    this.emitContractChanged(contract, change);
    return change;
  }

  /** A failed charge: an open invoice, a Failed transaction, and PaymentFailed (which names only the transaction). */
  failPayment(contractId: string, amount: number): PaymentTransaction {
    const transaction = this.recordPayment(contractId, amount, 'Failed');
    this.emit(contractId, 'PaymentFailed', { PaymentTransactionId: transaction.Id });
    return transaction;
  }

  succeedPayment(contractId: string, amount: number): PaymentTransaction {
    const transaction = this.recordPayment(contractId, amount, 'Succeeded');
    this.emit(contractId, 'PaymentSucceeded', { PaymentTransactionId: transaction.Id });
    return transaction;
  }

  /** PaymentEscalated, then DunningCreated (with billwerk's `ContractID` spelling and no EntityId). */
  escalatePayment(contractId: string, triggerDays: number): void {
    const contract = this.contract(contractId);
    this.emit(contractId, 'PaymentEscalated', {
      ContractId: contractId,
      CustomerId: contract.CustomerId,
      TriggerDays: triggerDays,
      DueDate: addDays(this.clock.now(), -triggerDays).toISOString(),
      PaymentEscalationProcessId: newBillwerkId(),
      EntityId: this.entityId,
    });
    this.emit(contractId, 'DunningCreated', {
      DunningId: newBillwerkId(),
      CustomerId: contract.CustomerId,
      ContractID: contractId,
    });
  }

  resetEscalation(contractId: string): void {
    const contract = this.contract(contractId);
    this.emit(contractId, 'PaymentEscalationReset', {
      ContractId: contractId,
      CustomerId: contract.CustomerId,
      EntityId: this.entityId,
    });
  }

  /** PaymentProcessStatusChanged carries no status: the state is the contract's RecurringPaymentsPaused. */
  setRecurringPaymentsPaused(contractId: string, paused: boolean): void {
    const contract = this.contract(contractId);
    if (contract.RecurringPaymentsPaused === paused) {
      throw new SimConflictError(
        `contract ${contractId} recurring payments are already ${paused ? 'paused' : 'running'}`,
      );
    }
    this.store.contractState(contractId).contract.RecurringPaymentsPaused = paused;
    this.emit(contractId, 'PaymentProcessStatusChanged', {
      ContractId: contractId,
      CustomerId: contract.CustomerId,
      EntityId: this.entityId,
    });
  }

  /**
   * CustomerDeleted, then ContractDeleted for each of its contracts (under the customer's ordering
   * key, so they arrive in that order). Contracts answer 404 afterwards; the customer answers 404,
   * or with DeletedAt set when `keepTombstone`.
   */
  deleteCustomer(customerId: string, keepTombstone = false): void {
    const customer = this.store.customer(customerId);
    const contracts = this.store.contractsOf(customerId);
    if (keepTombstone) {
      this.store.customers.set(customerId, {
        ...customer,
        DeletedAt: this.clock.now().toISOString(),
      });
    } else {
      this.store.customers.delete(customerId);
    }
    this.emit(customerId, 'CustomerDeleted', { CustomerId: customerId, EntityId: this.entityId });
    for (const { contract } of contracts) {
      this.store.contracts.delete(contract.Id);
      this.store.discountSubscriptions.delete(contract.Id);
      this.emit(customerId, 'ContractDeleted', { ContractId: contract.Id });
    }
  }

  /** `POST /contracts/{id}/discountsubscriptions`: billwerk reports it as ContractChanged (DiscountSubscriptionChange). */
  applyDiscount(contractId: string, request: ApplyDiscountRequest): DiscountSubscription {
    const contract = this.contract(contractId);
    this.requireRunning(contract);
    const problems: FieldProblem[] = [];
    if (!this.store.discounts.has(request.DiscountId)) {
      problems.push({ field: 'DiscountId', detail: `${request.DiscountId} is not a discount` });
    }
    const start = request.StartDate ?? this.clock.now().toISOString();
    if (request.EndDate !== undefined && Date.parse(request.EndDate) <= Date.parse(start)) {
      problems.push({ field: 'EndDate', detail: 'must be after StartDate' });
    }
    if (problems.length > 0) throw new SimInvalidFieldsError(problems);
    const subscription: DiscountSubscription = {
      Id: newBillwerkId(),
      ContractId: contractId,
      DiscountId: request.DiscountId,
      StartDate: start,
      EndDate: request.EndDate,
    };
    const list = this.store.discountSubscriptions.get(contractId) ?? [];
    this.store.discountSubscriptions.set(contractId, [...list, subscription]);
    this.emitContractChanged(
      contract,
      this.recordChange(contract, 'DiscountSubscriptionChange', this.clock.now(), contract.EndDate),
    );
    return subscription;
  }

  /**
   * Moves business time forward and emits, in time order, what billwerk would have sent meanwhile:
   * TrialEndApproaching (lead time before a trial ends) and ContractChanged (Timebased) for each
   * phase that began — trial to normal, or the end of a cancelled contract.
   */
  advanceClock(ms: number): void {
    const span = this.clock.advance(ms);
    const due: Array<{ at: number; fire: () => void }> = [];
    const within = (at: number): boolean => at > span.from.getTime() && at <= span.to.getTime();
    for (const state of this.store.contracts.values()) {
      const phases = state.contract.Phases ?? [];
      phases.forEach((phase, index) => {
        const startsAt = Date.parse(phase.StartDate);
        const previous = phases[index - 1];
        if (previous?.Type === 'Trial' && !state.trialEndNotified) {
          const noticeAt = startsAt - TRIAL_END_LEAD_DAYS * DAY_MS;
          if (noticeAt <= span.to.getTime() && startsAt > span.from.getTime()) {
            due.push({
              at: Math.max(noticeAt, span.from.getTime() + 1),
              fire: () => this.trialEndApproaching(state),
            });
          }
        }
        if (within(startsAt)) {
          due.push({ at: startsAt, fire: () => this.phaseStarted(state, phase) });
        }
      });
    }
    due.sort((a, b) => a.at - b.at).forEach((event) => event.fire());
  }

  // ---- internals ----

  private trialEndApproaching(state: ContractState): void {
    state.trialEndNotified = true;
    this.emit(state.contract.Id, 'TrialEndApproaching', { ContractId: state.contract.Id });
  }

  private phaseStarted(state: ContractState, phase: ContractPhase): void {
    const contract = contractView(state, new Date(Date.parse(phase.StartDate)));
    this.emitContractChanged(
      contract,
      this.recordChange(contract, 'Timebased', new Date(phase.StartDate), contract.EndDate),
    );
  }

  private requireRunning(contract: Contract): void {
    if (contract.LifecycleStatus === 'Ended') {
      throw new SimConflictError(`contract ${contract.Id} has ended`);
    }
  }

  private recordPayment(
    contractId: string,
    amount: number,
    status: 'Failed' | 'Succeeded',
  ): PaymentTransaction {
    const contract = this.contract(contractId);
    const now = this.clock.now().toISOString();
    const invoice: Invoice = {
      Id: newBillwerkId(),
      InvoiceNumber: `SIM-${this.store.invoices.size + 1}`,
      ContractId: contractId,
      CustomerId: contract.CustomerId,
      Currency: 'EUR',
      TotalGross: amount,
      TotalNet: Math.round((amount / 1.19) * 100) / 100,
      InvoiceDate: now,
      DueDate: now,
      IsPaid: status === 'Succeeded',
    };
    this.store.invoices.set(invoice.Id, invoice);
    const transaction: PaymentTransaction = {
      Id: newBillwerkId(),
      ContractId: contractId,
      CustomerId: contract.CustomerId,
      InvoiceId: invoice.Id,
      Amount: amount,
      Currency: 'EUR',
      Status: status,
      PaymentProvider: contract.PaymentProvider,
      CreatedAt: now,
      ErrorCode: status === 'Failed' ? 'InsufficientFunds' : undefined,
    };
    this.store.paymentTransactions.set(transaction.Id, transaction);
    return transaction;
  }

  private recordChange(
    contract: Contract,
    type: string,
    at: Date,
    endDate: string | undefined,
  ): ContractChange {
    const change: ContractChange = {
      Id: newBillwerkId(),
      ContractId: contract.Id,
      CustomerId: contract.CustomerId,
      ContractChangeType: type,
      ChangeDate: at.toISOString(),
      EndDate: endDate,
      PlanVariantId: contract.PlanVariantId,
    };
    this.store.contractChanges.set(change.Id, change);
    return change;
  }

  private emitContractChanged(contract: Contract, change: ContractChange): void {
    this.emit(contract.Id, 'ContractChanged', {
      ContractId: contract.Id,
      CustomerId: contract.CustomerId,
      ExternalCustomerId: this.store.customers.get(contract.CustomerId)?.ExternalCustomerId,
      ContractChangeId: change.Id,
      ContractChangeType: change.ContractChangeType,
      EntityId: this.entityId,
    });
  }

  /** Sends a hook whose body the catalog defines; also used by the bulk generator. */
  emit<E extends BillwerkEventName>(orderingKey: string, event: E, fields: HookFields<E>): string {
    const { id } = this.sink.enqueue(orderingKey, hookBody(event, fields));
    this.recording?.push(id);
    return id;
  }
}
