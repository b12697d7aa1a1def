import type {
  Contract,
  Customer,
  DiscountSubscription,
  PaymentTransaction,
} from '@app/billwerk-api';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeLocally, listenLocally } from '../../../test/support/local-http';

export function billwerkId(): string {
  return randomBytes(12).toString('hex');
}

/**
 * A small billwerk API over real HTTP for retention's tests: the OAuth2 token endpoint and the
 * reads and the discount write retention makes. Tests edit its state and can take it down.
 */
export class FakeBillwerk {
  readonly contracts = new Map<string, Contract>();
  readonly customers = new Map<string, Customer>();
  readonly transactions = new Map<string, PaymentTransaction>();
  readonly appliedDiscounts: Array<{ contractId: string; discountId: string }> = [];
  /** Transactions answered with 422 (a permanent refusal). */
  readonly rejectedTransactions = new Set<string>();
  /** While true every request is answered 503. */
  down = false;
  requests = 0;
  /** GET requests per contract id. */
  readonly contractReads = new Map<string, number>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.requests += 1;
      void this.answer(request, response);
    });
    this.url = await listenLocally(this.server);
  }

  async stop(): Promise<void> {
    await closeLocally(this.server);
  }

  /** A customer with an active contract on `planVariantId`; returns both. */
  addContract(overrides: Partial<Contract> = {}, customer: Partial<Customer> = {}): Contract {
    const customerId = overrides.CustomerId ?? billwerkId();
    this.customers.set(customerId, {
      Id: customerId,
      FirstName: 'Erika',
      LastName: 'Mustermann',
      EmailAddress: `erika.${customerId}@example.com`,
      Locale: 'de-DE',
      ...customer,
    });
    const contract: Contract = {
      Id: billwerkId(),
      CustomerId: customerId,
      PlanVariantId: billwerkId(),
      StartDate: '2026-01-01T00:00:00.0000000Z',
      LifecycleStatus: 'Active',
      CurrentPhase: { Type: 'Normal', StartDate: '2026-01-01T00:00:00.0000000Z' },
      RecurringPaymentsPaused: false,
      ...overrides,
    };
    this.contracts.set(contract.Id, contract);
    return contract;
  }

  update(contractId: string, change: Partial<Contract>): void {
    const contract = this.contracts.get(contractId);
    if (!contract) throw new Error(`no contract ${contractId}`);
    const next = { ...contract, ...change };
    for (const [key, value] of Object.entries(change)) {
      if (value === undefined) delete (next as Record<string, unknown>)[key];
    }
    this.contracts.set(contractId, next);
  }

  addTransaction(contract: Contract, status: string): PaymentTransaction {
    const transaction: PaymentTransaction = {
      Id: billwerkId(),
      ContractId: contract.Id,
      CustomerId: contract.CustomerId,
      Amount: 29.9,
      Currency: 'EUR',
      Status: status,
    };
    this.transactions.set(transaction.Id, transaction);
    return transaction;
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await new Promise<string>((resolve) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => resolve(text));
    });
    const send = (status: number, value?: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(value === undefined ? '' : JSON.stringify(value));
    };
    if (this.down) return send(503, { Message: 'maintenance' });
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (request.method === 'POST' && path === '/oauth/token/') {
      return send(200, { access_token: 'test-token', token_type: 'bearer', expires_in: 3600 });
    }
    if (request.headers.authorization !== 'Bearer test-token') return send(401);
    const found = (value: unknown) => (value === undefined ? send(404) : send(200, value));
    let match: RegExpExecArray | null;
    if ((match = /^\/api\/v1\/contracts\/([^/]+)$/.exec(path))) {
      this.contractReads.set(match[1], (this.contractReads.get(match[1]) ?? 0) + 1);
      return found(this.contracts.get(match[1]));
    }
    if ((match = /^\/api\/v1\/customers\/([^/]+)$/.exec(path))) {
      return found(this.customers.get(match[1]));
    }
    if ((match = /^\/api\/v1\/PaymentTransactions\/([^/]+)$/.exec(path))) {
      if (this.rejectedTransactions.has(match[1])) return send(422, { Message: 'invalid' });
      return found(this.transactions.get(match[1]));
    }
    if (
      request.method === 'POST' &&
      (match = /^\/api\/v1\/contracts\/([^/]+)\/discountsubscriptions$/.exec(path))
    ) {
      if (!this.contracts.has(match[1])) return send(404);
      const { DiscountId } = JSON.parse(body) as { DiscountId: string };
      this.appliedDiscounts.push({ contractId: match[1], discountId: DiscountId });
      const subscription: DiscountSubscription = {
        Id: billwerkId(),
        ContractId: match[1],
        DiscountId,
        StartDate: new Date().toISOString(),
      };
      return send(200, subscription);
    }
    return send(404);
  }
}
