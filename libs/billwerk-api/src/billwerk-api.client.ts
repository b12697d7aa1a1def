import {
  BillwerkInvalidResponseError,
  BillwerkNotFoundError,
  BillwerkRequestRejectedError,
  BillwerkUnavailableError,
  BillwerkUnauthorizedError,
} from './billwerk-api.errors';
import type {
  ApplyDiscountRequest,
  CancellationPreview,
  Contract,
  ContractChange,
  Customer,
  Discount,
  DiscountSubscription,
  Invoice,
  PaymentTransaction,
} from './billwerk-models';
import {
  DEFAULT_RETRY,
  resolveBillwerkBaseUrl,
  type BillwerkApiOptions,
} from './billwerk-api.options';
import { RetryingTransport, type HttpAnswer } from './retrying-transport';
import { OAuthTokenProvider } from './token-provider';

interface ApiRequest {
  operation: string;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number>;
  body?: unknown;
}

/**
 * billwerk's REST API (the subset billwerk-bridge uses). Every method throws a BillwerkApiError
 * subclass on failure, after retrying what can be retried.
 */
export class BillwerkApiClient {
  private readonly baseUrl: string;
  private readonly transport: RetryingTransport;
  private readonly tokens: OAuthTokenProvider;
  private readonly pageSize: number;

  constructor(options: BillwerkApiOptions) {
    this.baseUrl = resolveBillwerkBaseUrl(options.baseUrl);
    const now = options.now ?? Date.now;
    this.transport = new RetryingTransport({
      timeoutMs: options.timeoutMs ?? 10_000,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      observer: options.observer,
      fetch: options.fetch ?? globalThis.fetch,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      random: options.random ?? Math.random,
      now,
    });
    this.tokens = new OAuthTokenProvider(this.transport, {
      baseUrl: this.baseUrl,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      renewalMarginMs: options.tokenRenewalMarginMs ?? 60_000,
      defaultLifetimeMs: options.defaultTokenLifetimeMs ?? 3_600_000,
      now,
    });
    this.pageSize = options.pageSize ?? 100;
  }

  getContract(contractId: string): Promise<Contract> {
    return this.getOne('getContract', `/contracts/${segment(contractId)}`);
  }

  getCustomer(customerId: string): Promise<Customer> {
    return this.getOne('getCustomer', `/customers/${segment(customerId)}`);
  }

  getCustomerContracts(customerId: string): Promise<Contract[]> {
    return this.getAll('getCustomerContracts', `/customers/${segment(customerId)}/contracts`);
  }

  getContractChange(contractChangeId: string): Promise<ContractChange> {
    return this.getOne('getContractChange', `/contractChanges/${segment(contractChangeId)}`);
  }

  getPaymentTransaction(transactionId: string): Promise<PaymentTransaction> {
    return this.getOne('getPaymentTransaction', `/PaymentTransactions/${segment(transactionId)}`);
  }

  getInvoice(invoiceId: string): Promise<Invoice> {
    return this.getOne('getInvoice', `/invoices/${segment(invoiceId)}`);
  }

  listDiscounts(): Promise<Discount[]> {
    return this.getAll('listDiscounts', '/discounts');
  }

  getDiscountSubscriptions(contractId: string): Promise<DiscountSubscription[]> {
    return this.getAll(
      'getDiscountSubscriptions',
      `/contracts/${segment(contractId)}/discountsubscriptions`,
    );
  }

  getCancellationPreview(contractId: string): Promise<CancellationPreview> {
    return this.request<CancellationPreview>({
      operation: 'getCancellationPreview',
      method: 'GET',
      path: `/contracts/${segment(contractId)}/cancellationPreview`,
    }).then((body) => expectObject('getCancellationPreview', body));
  }

  /** Not idempotent: a timeout is not retried, since billwerk may have applied the discount. */
  async applyDiscount(
    contractId: string,
    discount: ApplyDiscountRequest,
  ): Promise<DiscountSubscription> {
    const body = await this.request<DiscountSubscription>({
      operation: 'applyDiscount',
      method: 'POST',
      path: `/contracts/${segment(contractId)}/discountsubscriptions`,
      body: discount,
    });
    return expectResource('applyDiscount', body);
  }

  private async getOne<T extends { Id: string }>(operation: string, path: string): Promise<T> {
    return expectResource(operation, await this.request<T>({ operation, method: 'GET', path }));
  }

  /** Reads every page (`take`/`skip`) of a list endpoint. */
  private async getAll<T>(operation: string, path: string): Promise<T[]> {
    const all: T[] = [];
    for (;;) {
      const page = await this.request<T[]>({
        operation,
        method: 'GET',
        path,
        query: { take: this.pageSize, skip: all.length },
      });
      if (!Array.isArray(page)) {
        throw new BillwerkInvalidResponseError(operation, 'expected a JSON array');
      }
      all.push(...page);
      if (page.length < this.pageSize) return all;
    }
  }

  private async request<T>(request: ApiRequest): Promise<T> {
    const token = await this.tokens.token();
    let answer = await this.send(request, token);
    if (answer.status === 401) {
      // Tokens can be revoked or expire early: one fresh token, then the refusal is real.
      this.tokens.invalidate(token);
      answer = await this.send(request, await this.tokens.token());
      if (answer.status === 401) {
        throw new BillwerkUnauthorizedError(
          request.operation,
          'a freshly issued token was refused',
          401,
        );
      }
    }
    return this.interpret<T>(request.operation, answer);
  }

  private send(request: ApiRequest, token: string): Promise<HttpAnswer> {
    const url = new URL(`${this.baseUrl}/api/v1${request.path}`);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    return this.transport.send({
      operation: request.operation,
      method: request.method,
      url: url.toString(),
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      idempotent: request.method === 'GET',
    });
  }

  private interpret<T>(operation: string, answer: HttpAnswer): T {
    const { status } = answer;
    if (status >= 200 && status < 300) {
      try {
        return JSON.parse(answer.text) as T;
      } catch {
        throw new BillwerkInvalidResponseError(
          operation,
          `HTTP ${status} body is not JSON`,
          status,
        );
      }
    }
    const detail = errorDetail(answer.text);
    if (status === 404) {
      throw new BillwerkNotFoundError(operation, 'not found', 404);
    }
    if (status >= 500) {
      // Only writes get here (reads are retried): billwerk may or may not have applied them.
      throw new BillwerkUnavailableError(operation, `HTTP ${status}, not repeated`, status);
    }
    if (status === 403) {
      throw new BillwerkUnauthorizedError(
        operation,
        `forbidden${detail ? `: ${detail}` : ''}`,
        403,
      );
    }
    throw new BillwerkRequestRejectedError(
      operation,
      `HTTP ${status}${detail ? `: ${detail}` : ''}`,
      status,
      detail,
    );
  }
}

/** Ids go into paths: encoding keeps a malformed id from reaching another resource. */
function segment(id: string): string {
  return encodeURIComponent(id);
}

function expectObject<T>(operation: string, body: T): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BillwerkInvalidResponseError(operation, 'expected a JSON object');
  }
  return body;
}

function expectResource<T extends { Id: string }>(operation: string, body: T): T {
  if (typeof expectObject(operation, body).Id !== 'string') {
    throw new BillwerkInvalidResponseError(operation, 'expected an object with an Id');
  }
  return body;
}

/**
 * billwerk's explanation (`Message`, or `message`; `detail` of an RFC 9457 body, as the simulator
 * answers), else the start of the body text.
 */
function errorDetail(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as {
      Message?: unknown;
      message?: unknown;
      detail?: unknown;
    } | null;
    const message = body?.Message ?? body?.message ?? body?.detail;
    if (typeof message === 'string') return message;
    if (Array.isArray(message)) return message.map(String).join('; ');
  } catch {
    // not JSON: fall through to the raw text
  }
  const trimmed = text.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, 200);
}
