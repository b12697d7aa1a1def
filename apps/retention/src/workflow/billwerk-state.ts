import {
  BillwerkNotFoundError,
  type Contract,
  type Customer,
  type PaymentTransaction,
} from '@app/billwerk-api';
import type { Logger } from 'pino';
import type { BillwerkGateway } from '../domain/billwerk-gateway';
import { fitContact } from '../domain/contact-fit';
import type { RetentionActionContact as ActionContact } from '@app/contracts';

function contactOf(customer: Customer): ActionContact {
  const person = [customer.FirstName, customer.LastName].filter(Boolean).join(' ');
  return {
    name: person || customer.CompanyName || customer.CustomerName || null,
    email: customer.EmailAddress ?? null,
    locale: customer.Locale ?? customer.Language ?? null,
  };
}

/** Non-personal facts of the fetched state, for the timeline. */
export function contractFacts(contract: Contract): Record<string, unknown> {
  return {
    contractId: contract.Id,
    customerId: contract.CustomerId,
    planVariantId: contract.PlanVariantId ?? null,
    endDate: contract.EndDate ?? null,
    lifecycleStatus: contract.LifecycleStatus ?? null,
    phase: contract.CurrentPhase?.Type ?? null,
    recurringPaymentsPaused: contract.RecurringPaymentsPaused ?? null,
  };
}

export function transactionFacts(
  transaction: PaymentTransaction | undefined,
): Record<string, unknown> | undefined {
  return transaction ? { transactionId: transaction.Id, status: transaction.Status } : undefined;
}

/**
 * The state a hook prompts retention to look at, as billwerk holds it now. A contract or
 * customer billwerk no longer knows is null; any other failure is thrown (BillwerkApiError).
 */
export class BillwerkState {
  constructor(
    private readonly billwerk: BillwerkGateway,
    private readonly logger?: Logger,
  ) {}

  async contract(contractId: string): Promise<Contract | null> {
    try {
      return await this.billwerk.getContract(contractId);
    } catch (error) {
      if (error instanceof BillwerkNotFoundError) return null;
      throw error;
    }
  }

  transaction(transactionId: string): Promise<PaymentTransaction> {
    return this.billwerk.getPaymentTransaction(transactionId);
  }

  /** The customer's contact, fitted to the store's columns (each adjustment logged). */
  async contact(customerId: string): Promise<ActionContact | null> {
    let customer: Customer | null;
    try {
      customer = await this.billwerk.getCustomer(customerId);
    } catch (error) {
      if (error instanceof BillwerkNotFoundError) return null;
      throw error;
    }
    if (!customer) return null;
    const fitted = fitContact(contactOf(customer));
    for (const adjustment of fitted.adjustments) {
      this.logger?.warn(
        { customerId, ...adjustment },
        adjustment.action === 'cut'
          ? 'billwerk value longer than its column: cut to fit'
          : 'billwerk value longer than its column: not stored',
      );
    }
    return fitted.contact;
  }
}
