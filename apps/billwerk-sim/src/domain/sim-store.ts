import type {
  Contract,
  ContractChange,
  Customer,
  Discount,
  DiscountSubscription,
  Invoice,
  PaymentTransaction,
} from '@app/billwerk-api';
import { SIM_DISCOUNTS } from './sim-catalog';
import { SimNotFoundError } from './sim-errors';

/** What the simulator keeps about a contract beyond what the API shows. */
export interface ContractState {
  /** Stored without CurrentPhase and LifecycleStatus: those follow from Phases and the clock. */
  contract: Omit<Contract, 'CurrentPhase' | 'LifecycleStatus'>;
  trialEndNotified: boolean;
}

/** The simulator's in-memory billwerk account. Deleted things are gone (404) unless tombstoned. */
export class SimStore {
  readonly customers = new Map<string, Customer>();
  readonly contracts = new Map<string, ContractState>();
  readonly contractChanges = new Map<string, ContractChange>();
  readonly paymentTransactions = new Map<string, PaymentTransaction>();
  readonly invoices = new Map<string, Invoice>();
  readonly discounts = new Map<string, Discount>();
  readonly discountSubscriptions = new Map<string, DiscountSubscription[]>();

  constructor() {
    this.reset();
  }

  reset(): void {
    for (const map of [
      this.customers,
      this.contracts,
      this.contractChanges,
      this.paymentTransactions,
      this.invoices,
      this.discounts,
      this.discountSubscriptions,
    ]) {
      map.clear();
    }
    for (const discount of SIM_DISCOUNTS) this.discounts.set(discount.Id, discount);
  }

  customer(id: string): Customer {
    return found('customer', id, this.customers.get(id));
  }

  contractState(id: string): ContractState {
    return found('contract', id, this.contracts.get(id));
  }

  contractChange(id: string): ContractChange {
    return found('contract change', id, this.contractChanges.get(id));
  }

  paymentTransaction(id: string): PaymentTransaction {
    return found('payment transaction', id, this.paymentTransactions.get(id));
  }

  invoice(id: string): Invoice {
    return found('invoice', id, this.invoices.get(id));
  }

  discount(id: string): Discount {
    return found('discount', id, this.discounts.get(id));
  }

  contractsOf(customerId: string): ContractState[] {
    return [...this.contracts.values()].filter((s) => s.contract.CustomerId === customerId);
  }
}

function found<T>(kind: string, id: string, value: T | undefined): T {
  if (value === undefined) throw new SimNotFoundError(kind, id);
  return value;
}
