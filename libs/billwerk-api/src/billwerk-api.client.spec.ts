import { createServer } from 'node:net';
import { ScriptedServer, TOKEN_PATH, withTokens, type Script } from '../test/scripted-server';
import { BillwerkApiClient } from './billwerk-api.client';
import {
  BillwerkInvalidResponseError,
  BillwerkNotFoundError,
  BillwerkRateLimitedError,
  BillwerkRequestRejectedError,
  BillwerkUnauthorizedError,
  BillwerkUnavailableError,
} from './billwerk-api.errors';
import type { BillwerkApiOptions, BillwerkAttempt } from './billwerk-api.options';

const CONTRACT_ID = '5f0c8f4e2b1d4a0012345678';
const CONTRACT_PATH = `/api/v1/contracts/${CONTRACT_ID}`;
const contract = {
  Id: CONTRACT_ID,
  CustomerId: '5f0c8f4e2b1d4a0087654321',
  StartDate: '2026-01-01T00:00:00Z',
};

describe('BillwerkApiClient', () => {
  let server: ScriptedServer;
  let delays: number[];
  let attempts: BillwerkAttempt[];
  let clock: number;

  function client(overrides: Partial<BillwerkApiOptions> = {}): BillwerkApiClient {
    return new BillwerkApiClient({
      baseUrl: server.url,
      clientId: 'client',
      clientSecret: 's3cret',
      retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 5_000 },
      sleep: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
      random: () => 0.5,
      now: () => clock,
      observer: { attemptFinished: (attempt) => attempts.push(attempt) },
      ...overrides,
    });
  }

  function answerContract(): Script {
    return withTokens(() => ({ status: 200, body: contract }));
  }

  beforeEach(async () => {
    delays = [];
    attempts = [];
    clock = 1_000_000;
    server = new ScriptedServer(answerContract());
    await server.start();
  });

  afterEach(() => server.stop());

  describe('OAuth2 token', () => {
    it('asks for a token with HTTP Basic and a client_credentials form, then sends it as bearer', async () => {
      await expect(client().getContract(CONTRACT_ID)).resolves.toEqual(contract);

      const [tokenRequest, apiRequest] = server.requests;
      expect(tokenRequest.method).toBe('POST');
      expect(tokenRequest.path).toBe(TOKEN_PATH);
      expect(tokenRequest.headers.authorization).toBe(
        `Basic ${Buffer.from('client:s3cret').toString('base64')}`,
      );
      expect(tokenRequest.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(tokenRequest.body).toBe('grant_type=client_credentials');
      expect(apiRequest.path).toBe(CONTRACT_PATH);
      expect(apiRequest.headers.authorization).toBe('Bearer token-1');
    });

    it('reuses the token until shortly before it expires, then renews it', async () => {
      const api = client({ tokenRenewalMarginMs: 60_000 });
      await api.getContract(CONTRACT_ID);
      clock += 3_600_000 - 60_001;
      await api.getContract(CONTRACT_ID);
      expect(server.requestsTo(TOKEN_PATH)).toHaveLength(1);

      clock += 2;
      await api.getContract(CONTRACT_ID);
      expect(server.requestsTo(TOKEN_PATH)).toHaveLength(2);
      expect(server.requestsTo(CONTRACT_PATH).at(-1)?.headers.authorization).toBe('Bearer token-2');
    });

    it.each([
      ['expires as seconds', { expires: 120 }, 120_000],
      ['expires as a date', { expires: new Date(1_000_000 + 120_000).toISOString() }, 120_000],
      ['no lifetime (the default applies)', {}, 600_000],
    ])('reads the lifetime from %s', async (_label, tokenBody, lifetime) => {
      server.use(withTokens(() => ({ status: 200, body: contract }), tokenBody));
      const api = client({ tokenRenewalMarginMs: 0, defaultTokenLifetimeMs: 600_000 });
      await api.getContract(CONTRACT_ID);
      clock += lifetime - 1;
      await api.getContract(CONTRACT_ID);
      expect(server.requestsTo(TOKEN_PATH)).toHaveLength(1);
      clock += 1;
      await api.getContract(CONTRACT_ID);
      expect(server.requestsTo(TOKEN_PATH)).toHaveLength(2);
    });

    it('shares one token request between concurrent calls', async () => {
      const api = client();
      await Promise.all([
        api.getContract(CONTRACT_ID),
        api.getContract(CONTRACT_ID),
        api.getContract(CONTRACT_ID),
      ]);
      expect(server.requestsTo(TOKEN_PATH)).toHaveLength(1);
      expect(server.requestsTo(CONTRACT_PATH)).toHaveLength(3);
    });

    it('fetches a new token when the API answers 401, and repeats the call with it', async () => {
      server.use(
        withTokens((request) =>
          request.headers.authorization === 'Bearer token-1'
            ? { status: 401, body: { Message: 'token expired' } }
            : { status: 200, body: contract },
        ),
      );
      await expect(client().getContract(CONTRACT_ID)).resolves.toEqual(contract);
      expect(server.requestsTo(TOKEN_PATH)).toHaveLength(2);
    });

    it('gives up with BillwerkUnauthorizedError when a fresh token is refused too', async () => {
      server.use(withTokens(() => ({ status: 401 })));
      await expect(client().getContract(CONTRACT_ID)).rejects.toBeInstanceOf(
        BillwerkUnauthorizedError,
      );
      expect(server.requestsTo(TOKEN_PATH)).toHaveLength(2);
      expect(server.requestsTo(CONTRACT_PATH)).toHaveLength(2);
    });

    it('reports refused client credentials without calling the API or retrying', async () => {
      server.use(() => ({ status: 401, body: { error: 'invalid_client' } }));
      const error = await client()
        .getContract(CONTRACT_ID)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BillwerkUnauthorizedError);
      expect((error as BillwerkUnauthorizedError).operation).toBe('token');
      expect((error as Error).message).not.toContain('s3cret');
      expect(server.requests).toHaveLength(1);
    });

    it('rejects a token answer without access_token', async () => {
      server.use(() => ({ status: 200, body: { token_type: 'bearer' } }));
      await expect(client().getContract(CONTRACT_ID)).rejects.toBeInstanceOf(
        BillwerkInvalidResponseError,
      );
    });
  });

  describe('retries', () => {
    function failFirst(
      times: number,
      failure: { status: number; headers?: Record<string, string> },
    ): Script {
      let failed = 0;
      return withTokens(() => (failed++ < times ? failure : { status: 200, body: contract }));
    }

    it('retries 5xx with doubling, jittered backoff and reports every attempt', async () => {
      server.use(failFirst(2, { status: 502 }));
      await expect(client().getContract(CONTRACT_ID)).resolves.toEqual(contract);
      // random() = 0.5 of a ceiling of 100, then 200
      expect(delays).toEqual([50, 100]);
      const apiAttempts = attempts.filter((a) => a.operation === 'getContract');
      expect(apiAttempts.map((a) => [a.attempt, a.status, a.outcome, a.retrying])).toEqual([
        [1, 502, 'http_error', true],
        [2, 502, 'http_error', true],
        [3, 200, 'ok', false],
      ]);
    });

    it('caps one backoff at maxDelayMs', async () => {
      server.use(failFirst(3, { status: 500 }));
      await client({ retry: { maxRetries: 3, baseDelayMs: 1_000, maxDelayMs: 1_500 } }).getContract(
        CONTRACT_ID,
      );
      expect(delays).toEqual([500, 750, 750]);
    });

    it('waits as long as Retry-After says on 429', async () => {
      server.use(failFirst(1, { status: 429, headers: { 'retry-after': '2' } }));
      await expect(client().getContract(CONTRACT_ID)).resolves.toEqual(contract);
      expect(delays).toEqual([2_000]);
    });

    it('gives up at once with the Retry-After when it is longer than the client may wait', async () => {
      server.use(failFirst(1, { status: 429, headers: { 'retry-after': '60' } }));
      const error = await client()
        .getContract(CONTRACT_ID)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BillwerkRateLimitedError);
      expect((error as BillwerkRateLimitedError).retryAfterMs).toBe(60_000);
      expect(server.requestsTo(CONTRACT_PATH)).toHaveLength(1);
    });

    it('throws BillwerkRateLimitedError once the retries are used up', async () => {
      server.use(failFirst(10, { status: 429 }));
      const error = await client()
        .getContract(CONTRACT_ID)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BillwerkRateLimitedError);
      expect((error as BillwerkRateLimitedError).transient).toBe(true);
      expect(server.requestsTo(CONTRACT_PATH)).toHaveLength(4);
    });

    it('throws BillwerkUnavailableError with the status once 5xx retries are used up', async () => {
      server.use(failFirst(10, { status: 503 }));
      const error = await client({ retry: { maxRetries: 1 } })
        .getContract(CONTRACT_ID)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BillwerkUnavailableError);
      expect((error as BillwerkUnavailableError).status).toBe(503);
      expect(server.requestsTo(CONTRACT_PATH)).toHaveLength(2);
    });

    it('times out a silent server and retries it', async () => {
      let calls = 0;
      server.use(
        withTokens(() =>
          calls++ === 0 ? { status: 200, hang: true } : { status: 200, body: contract },
        ),
      );
      await expect(client({ timeoutMs: 200 }).getContract(CONTRACT_ID)).resolves.toEqual(contract);
      expect(attempts.filter((a) => a.operation === 'getContract').map((a) => a.outcome)).toEqual([
        'timeout',
        'ok',
      ]);
    });

    it('reports a network error as BillwerkUnavailableError after retrying', async () => {
      const closedPort = await freePort();
      const error = await client({
        baseUrl: `http://127.0.0.1:${closedPort}`,
        retry: { maxRetries: 2 },
      })
        .getContract(CONTRACT_ID)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BillwerkUnavailableError);
      expect((error as Error).message).toContain('ECONNREFUSED');
      expect(attempts.map((a) => a.outcome)).toEqual([
        'network_error',
        'network_error',
        'network_error',
      ]);
    });

    it('does not repeat a discount order after a 500, since billwerk may have applied it', async () => {
      server.use(withTokens(() => ({ status: 500 })));
      await expect(
        client().applyDiscount(CONTRACT_ID, { DiscountId: '5f0c8f4e2b1d4a00aaaaaaaa' }),
      ).rejects.toBeInstanceOf(BillwerkUnavailableError);
      expect(
        server.requests.filter((r) => r.method === 'POST' && r.path !== TOKEN_PATH),
      ).toHaveLength(1);
    });

    it('repeats a discount order after a 503, which billwerk did not process', async () => {
      const subscription = {
        Id: '5f0c8f4e2b1d4a00bbbbbbbb',
        ContractId: CONTRACT_ID,
        DiscountId: '5f0c8f4e2b1d4a00aaaaaaaa',
        StartDate: '2026-01-01T00:00:00Z',
      };
      let calls = 0;
      server.use(
        withTokens(() => (calls++ === 0 ? { status: 503 } : { status: 201, body: subscription })),
      );
      await expect(
        client().applyDiscount(CONTRACT_ID, {
          DiscountId: subscription.DiscountId,
          EndDate: '2026-03-01T00:00:00Z',
        }),
      ).resolves.toEqual(subscription);
      const post = server.requestsTo(`${CONTRACT_PATH}/discountsubscriptions`).at(-1);
      expect(post?.headers['content-type']).toBe('application/json');
      expect(JSON.parse(post?.body ?? '')).toEqual({
        DiscountId: subscription.DiscountId,
        EndDate: '2026-03-01T00:00:00Z',
      });
    });
  });

  describe('answers', () => {
    it('maps 404 to BillwerkNotFoundError without retrying', async () => {
      server.use(withTokens(() => ({ status: 404 })));
      const error = await client()
        .getCustomer(CONTRACT_ID)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BillwerkNotFoundError);
      expect((error as BillwerkNotFoundError).operation).toBe('getCustomer');
      expect(server.requests).toHaveLength(2);
    });

    it("maps 422 to BillwerkRequestRejectedError with billwerk's message", async () => {
      server.use(withTokens(() => ({ status: 422, body: { Message: 'DiscountId unknown' } })));
      const error = await client()
        .applyDiscount(CONTRACT_ID, { DiscountId: 'x' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BillwerkRequestRejectedError);
      expect(error).toMatchObject({ status: 422, detail: 'DiscountId unknown', transient: false });
    });

    it('rejects a 2xx body that is not the expected resource', async () => {
      server.use(withTokens(() => ({ status: 200, body: [] })));
      await expect(client().getContract(CONTRACT_ID)).rejects.toBeInstanceOf(
        BillwerkInvalidResponseError,
      );
    });

    it('reads every page of a list with take/skip', async () => {
      const contracts = [1, 2, 3].map((n) => ({ ...contract, Id: `5f0c8f4e2b1d4a001234567${n}` }));
      server.use(
        withTokens((request) => {
          const query = new URL(request.path, 'http://x').searchParams;
          const skip = Number(query.get('skip'));
          return { status: 200, body: contracts.slice(skip, skip + Number(query.get('take'))) };
        }),
      );
      await expect(
        client({ pageSize: 2 }).getCustomerContracts(contract.CustomerId),
      ).resolves.toEqual(contracts);
      expect(server.requests.slice(1).map((r) => r.path)).toEqual([
        `/api/v1/customers/${contract.CustomerId}/contracts?take=2&skip=0`,
        `/api/v1/customers/${contract.CustomerId}/contracts?take=2&skip=2`,
      ]);
    });

    it('encodes ids into the path', async () => {
      await client()
        .getPaymentTransaction('../contracts/x')
        .catch(() => undefined);
      expect(server.requests[1].path).toBe('/api/v1/PaymentTransactions/..%2Fcontracts%2Fx');
    });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
