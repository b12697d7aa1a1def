import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  ApplyDiscountRequest,
  Contract,
  Customer,
  DiscountSubscription,
  PaymentTransaction,
} from '@app/billwerk-api';
import type { BillwerkGateway } from '../domain/billwerk-gateway';

/** How long one hook's billwerk reads are reused: a database outage is retried within it. */
const TTL_MS = 300_000;
/** Bounds the memory of hooks never retried (each entry holds a few small objects). */
const MAX_HOOKS = 1000;

interface Entry {
  expires: number;
  reads: Map<string, unknown>;
}

/**
 * billwerk reads remembered per hook: when the same hook is handled again (the database failed
 * after billwerk answered, and the runner retries it), the state it was decided on is reused
 * instead of asking billwerk again. Other hooks always fetch fresh state; writes pass through.
 */
export class HookReadCache implements BillwerkGateway {
  private readonly scope = new AsyncLocalStorage<Entry>();
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly billwerk: BillwerkGateway,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `work` with the reads cached under `hookId` (the CloudEvent id). */
  run<T>(hookId: string, work: () => Promise<T>): Promise<T> {
    const at = this.now();
    for (const [id, entry] of this.entries) {
      if (entry.expires <= at || this.entries.size > MAX_HOOKS) this.entries.delete(id);
    }
    let entry = this.entries.get(hookId);
    if (!entry) {
      entry = { expires: at + TTL_MS, reads: new Map() };
      if (hookId !== '') this.entries.set(hookId, entry);
    }
    return this.scope.run(entry, work);
  }

  /** The hook was handled for good: its reads are not needed any more. */
  forget(hookId: string): void {
    this.entries.delete(hookId);
  }

  getContract(contractId: string): Promise<Contract> {
    return this.read(`contract:${contractId}`, () => this.billwerk.getContract(contractId));
  }

  getCustomer(customerId: string): Promise<Customer> {
    return this.read(`customer:${customerId}`, () => this.billwerk.getCustomer(customerId));
  }

  getPaymentTransaction(transactionId: string): Promise<PaymentTransaction> {
    return this.read(`transaction:${transactionId}`, () =>
      this.billwerk.getPaymentTransaction(transactionId),
    );
  }

  applyDiscount(contractId: string, discount: ApplyDiscountRequest): Promise<DiscountSubscription> {
    return this.billwerk.applyDiscount(contractId, discount);
  }

  private async read<T>(key: string, fetch: () => Promise<T>): Promise<T> {
    const entry = this.scope.getStore();
    if (!entry) return fetch();
    if (entry.reads.has(key)) return entry.reads.get(key) as T;
    const value = await fetch();
    entry.reads.set(key, value);
    return value;
  }
}
