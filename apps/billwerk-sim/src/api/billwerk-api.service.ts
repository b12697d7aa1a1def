import type {
  CancellationPreview,
  Contract,
  ContractChange,
  Customer,
  Discount,
  DiscountSubscription,
  Invoice,
  PaymentTransaction,
} from '@app/billwerk-api';
import { Injectable } from '@nestjs/common';
import { Simulation } from '../domain/simulation';
import { validateBody } from '../domain/validate-body';
import { ApplyDiscountDto, PageQueryDto } from './billwerk-api.dto';

/** billwerk's REST API subset, served from the simulation. */
@Injectable()
export class BillwerkApiService {
  constructor(private readonly simulation: Simulation) {}

  contract(id: string): Contract {
    return this.simulation.contract(id);
  }

  customer(id: string): Customer {
    return this.simulation.customer(id);
  }

  customerContracts(customerId: string, query: unknown): Contract[] {
    return page(this.simulation.customerContracts(customerId), query);
  }

  contractChange(id: string): ContractChange {
    return this.simulation.contractChange(id);
  }

  paymentTransaction(id: string): PaymentTransaction {
    return this.simulation.paymentTransaction(id);
  }

  invoice(id: string): Invoice {
    return this.simulation.invoice(id);
  }

  discounts(query: unknown): Discount[] {
    return page(this.simulation.discounts(), query);
  }

  discountSubscriptions(contractId: string, query: unknown): DiscountSubscription[] {
    return page(this.simulation.discountSubscriptions(contractId), query);
  }

  cancellationPreview(contractId: string): CancellationPreview {
    return this.simulation.cancellationPreview(contractId);
  }

  applyDiscount(contractId: string, body: unknown): DiscountSubscription {
    this.simulation.contract(contractId);
    const request = validateBody(ApplyDiscountDto, body);
    return this.simulation.applyDiscount(contractId, request);
  }
}

function page<T>(items: T[], query: unknown): T[] {
  const { take = 100, skip = 0 } = validateBody(PageQueryDto, query);
  return items.slice(skip, skip + take);
}
