import {
  BillwerkNotFoundError,
  BillwerkRequestRejectedError,
  BillwerkUnavailableError,
  type BillwerkAttempt,
} from '@app/billwerk-api';
import { startSim, type RunningSim } from './sim-harness';
import { SIM_DISCOUNTS } from '../src/domain/sim-catalog';
import type { PlayResult } from '../src/scenarios/scenario-runner';

const UNKNOWN_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';

describe('billwerk simulator API with the billwerk-api client', () => {
  let sim: RunningSim;

  beforeAll(async () => {
    sim = await startSim();
  });

  afterAll(() => sim.close());

  afterEach(() => sim.runtime.faults.clear());

  async function play(name: string): Promise<PlayResult> {
    const { status, body } = await sim.control<PlayResult>(
      'POST',
      `/sim/scenarios/${name}/play?wait=true`,
    );
    expect(status).toBe(200);
    return body;
  }

  it('serves a played contract and its customer with contact data', async () => {
    const played = await play('cancel-ends');
    const client = sim.client();
    const contract = await client.getContract(played.contracts.contract);
    expect(contract).toMatchObject({
      Id: played.contracts.contract,
      CustomerId: played.customers.james,
      LifecycleStatus: 'Ended',
      CurrentPhase: { Type: 'Inactive' },
    });
    expect(contract.PlanVariantId).toMatch(/^[0-9a-f]{24}$/);
    await expect(client.getCustomer(played.customers.james)).resolves.toMatchObject({
      FirstName: 'James',
      LastName: 'Miller',
      EmailAddress: 'james.miller@example.com',
      Language: 'en',
      Locale: 'en-GB',
    });
    await expect(client.getCustomerContracts(played.customers.james)).resolves.toHaveLength(1);
  });

  it('tells the simulator time on every answer', async () => {
    await sim.control('POST', '/sim/clock/advance', { days: 2 });
    const answer = await fetch(`${sim.url}/health/live`);
    expect(Date.parse(answer.headers.get('x-sim-now') ?? '')).toBeGreaterThan(
      Date.now() + 86_400_000,
    );
  });

  it('answers 401 without a token it issued, and 404 for unknown ids', async () => {
    const anonymous = await fetch(`${sim.url}/api/v1/contracts/${UNKNOWN_ID}`, {
      headers: { authorization: 'Bearer made-up' },
    });
    expect(anonymous.status).toBe(401);
    await expect(sim.client().getContract(UNKNOWN_ID)).rejects.toBeInstanceOf(
      BillwerkNotFoundError,
    );
  });

  it('refuses wrong client credentials at the token endpoint', async () => {
    const answer = await fetch(`${sim.url}/oauth/token/`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('test-client:wrong').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual({
      error: 'invalid_client',
      error_description: expect.any(String),
    });
  });

  it('renews the token transparently after the simulator revoked it', async () => {
    const { contracts } = await play('trial-ends');
    const attempts: BillwerkAttempt[] = [];
    const client = sim.client({ observer: { attemptFinished: (a) => attempts.push(a) } });
    await client.getContract(contracts.contract);
    await sim.control('POST', '/sim/tokens/revoke');
    await expect(client.getContract(contracts.contract)).resolves.toMatchObject({
      CurrentPhase: { Type: 'Normal' },
    });
    expect(attempts.filter((a) => a.operation === 'token')).toHaveLength(2);
    expect(attempts.filter((a) => a.status === 401)).toHaveLength(1);
  });

  it('is down for a while, then recovers: the client retries through short outages', async () => {
    const { contracts } = await play('cancel-withdraw');
    const fault = await sim.control('POST', '/sim/faults', { status: 503, count: 2 });
    expect(fault.status).toBe(201);
    await expect(sim.client().getContract(contracts.contract)).resolves.toMatchObject({
      Id: contracts.contract,
    });
    expect((await sim.control<unknown[]>('GET', '/sim/faults')).body).toEqual([]);
  });

  it('reports a longer outage as BillwerkUnavailableError, and serves again afterwards', async () => {
    const { contracts } = await play('cancel-withdraw');
    await sim.control('POST', '/sim/faults', { status: 503, count: 4 });
    const client = sim.client({ retry: { maxRetries: 1, baseDelayMs: 1 } });
    await expect(client.getContract(contracts.contract)).rejects.toBeInstanceOf(
      BillwerkUnavailableError,
    );
    await expect(client.getContract(contracts.contract)).rejects.toBeInstanceOf(
      BillwerkUnavailableError,
    );
    await expect(client.getContract(contracts.contract)).resolves.toMatchObject({
      Id: contracts.contract,
    });
  });

  it("honours the simulator's Retry-After on 429", async () => {
    const { contracts } = await play('cancel-withdraw');
    await sim.control('POST', '/sim/faults', { status: 429, count: 1, retryAfterSeconds: 1 });
    const delays: number[] = [];
    const client = sim.client({
      sleep: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
    });
    await client.getContract(contracts.contract);
    expect(delays).toEqual([1000]);
  });

  it('validates fault requests: a status from 400 to 599, or only a delay', async () => {
    const refused = await sim.control<{ errors: unknown[] }>('POST', '/sim/faults', {
      status: 200,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ field: 'status', detail: 'must not be less than 400' }]);
    expect((await sim.control('POST', '/sim/faults', { count: 1 })).status).toBe(422);
    expect((await sim.control('POST', '/sim/faults', { delayMs: 5, count: 1 })).status).toBe(201);
  });

  it('times out a slow answer and retries', async () => {
    const { contracts } = await play('cancel-withdraw');
    await sim.control('POST', '/sim/faults', { delayMs: 1500, count: 1 });
    const attempts: BillwerkAttempt[] = [];
    const client = sim.client({
      timeoutMs: 300,
      observer: { attemptFinished: (a) => attempts.push(a) },
    });
    await client.getContract(contracts.contract);
    expect(attempts.filter((a) => a.operation === 'getContract').map((a) => a.outcome)).toEqual([
      'timeout',
      'ok',
    ]);
  });

  it('fails the token endpoint on request, and the client retries it', async () => {
    const { contracts } = await play('cancel-withdraw');
    await sim.control('POST', '/sim/faults', { status: 502, count: 1, scope: 'token' });
    await expect(sim.client().getContract(contracts.contract)).resolves.toBeDefined();
  });

  it('applies a discount, lists it, and reports the change as ContractChanged', async () => {
    const { contracts } = await play('cancel-withdraw');
    const client = sim.client();
    const discounts = await client.listDiscounts();
    expect(discounts.map((d) => d.Id)).toEqual(SIM_DISCOUNTS.map((d) => d.Id));
    const subscription = await client.applyDiscount(contracts.contract, {
      DiscountId: discounts[0].Id,
      EndDate: new Date(Date.now() + 400 * 86_400_000).toISOString(),
    });
    expect(subscription).toMatchObject({
      ContractId: contracts.contract,
      DiscountId: discounts[0].Id,
    });
    await expect(client.getDiscountSubscriptions(contracts.contract)).resolves.toEqual([
      subscription,
    ]);
    const hooks = sim.runtime.sender.list({ id: contracts.contract, event: 'ContractChanged' });
    expect(hooks.at(-1)?.body.ContractChangeType).toBe('DiscountSubscriptionChange');
  });

  it('answers 422 for invalid discount fields and 400 for a body that is not JSON', async () => {
    const { contracts } = await play('cancel-withdraw');
    const client = sim.client();
    const error = await client
      .applyDiscount(contracts.contract, { DiscountId: UNKNOWN_ID })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillwerkRequestRejectedError);
    expect((error as BillwerkRequestRejectedError).status).toBe(422);
    await expect(
      client.applyDiscount(contracts.contract, { DiscountId: 'nope', EndDate: 'tomorrow' }),
    ).rejects.toMatchObject({ status: 422 });

    const token = (await (
      await fetch(`${sim.url}/oauth/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from('test-client:test-secret').toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      })
    ).json()) as { access_token: string };
    const bad = await fetch(
      `${sim.url}/api/v1/contracts/${contracts.contract}/discountsubscriptions`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token.access_token}`,
          'content-type': 'application/json',
        },
        body: '{"DiscountId": ',
      },
    );
    expect(bad.status).toBe(400);
  });

  it('serves the payment transaction behind PaymentFailed, with its contract, and the invoice', async () => {
    const { contracts } = await play('payment-recovery');
    const failed = sim.runtime.sender.list({ event: 'PaymentFailed' }).at(-1);
    const transactionId = failed?.body.PaymentTransactionId as string;
    const client = sim.client();
    const transaction = await client.getPaymentTransaction(transactionId);
    expect(transaction).toMatchObject({ ContractId: contracts.contract, Status: 'Failed' });
    await expect(client.getInvoice(transaction.InvoiceId as string)).resolves.toMatchObject({
      ContractId: contracts.contract,
      IsPaid: false,
    });
  });

  it('previews when a cancellation would take effect', async () => {
    const { contracts } = await play('trial-ends');
    const preview = await sim.client().getCancellationPreview(contracts.contract);
    expect(Date.parse(preview.EndDate)).toBeGreaterThan(sim.runtime.clock.now().getTime());
  });

  it('plays step by step at a pace, streaming each step as NDJSON with its state already changed', async () => {
    const started = Date.now();
    const response = await fetch(
      `${sim.url}/sim/scenarios/cancel-withdraw/play?wait=true&stream=true&pace=300ms`,
      { method: 'POST' },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    const [start, ...rest] = lines;
    expect(start.play).toMatchObject({ scenario: 'cancel-withdraw', steps: 3 });
    const steps = rest.slice(0, 3);
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3]);
    expect(steps.map((s) => (s.hooks as Array<{ event: string }>).map((h) => h.event))).toEqual([
      ['ContractCancelled', 'ContractChanged'],
      [],
      ['ContractChanged'],
    ]);
    const { result } = rest[3] as { result: PlayResult & { outcome: Record<string, number> } };
    expect(result.deliveries).toHaveLength(3);
    expect(result.outcome).toEqual({ 'not-sent': 3 });
  });

  it('takes the pace from the body too, and keeps the answer of a play without one', async () => {
    const paced = await sim.control<PlayResult>(
      'POST',
      '/sim/scenarios/cancel-withdraw/play?wait=true',
      { pace: '10ms' },
    );
    expect(paced.status).toBe(200);
    expect(paced.body.deliveries).toHaveLength(3);
    const plain = await play('cancel');
    expect(Object.keys(plain).sort()).toEqual(
      ['contracts', 'customers', 'deliveries', 'now', 'outcome', 'scenario'].sort(),
    );
  });

  it.each(['slow', '2m', '61s'])('answers 422 naming the pace for pace=%s', async (pace) => {
    const answer = await sim.control<{ errors: Array<{ field: string; detail: string }> }>(
      'POST',
      `/sim/scenarios/cancel/play?pace=${pace}`,
    );
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual([
      { field: 'pace', detail: expect.stringContaining('must be a duration') as unknown },
    ]);
  });
});
