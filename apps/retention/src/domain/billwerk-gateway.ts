import type {
  ApplyDiscountRequest,
  Contract,
  Customer,
  DiscountSubscription,
  PaymentTransaction,
} from '@app/billwerk-api';

/**
 * The billwerk calls retention makes, and nothing more: `BillwerkApiClient` satisfies it, and
 * unit tests pass a fake. Failures are `BillwerkApiError`s (`transient` says whether to retry).
 */
export interface BillwerkGateway {
  getContract(contractId: string): Promise<Contract>;
  getCustomer(customerId: string): Promise<Customer>;
  getPaymentTransaction(transactionId: string): Promise<PaymentTransaction>;
  applyDiscount(contractId: string, discount: ApplyDiscountRequest): Promise<DiscountSubscription>;
}
