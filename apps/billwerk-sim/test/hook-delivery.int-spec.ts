import { validateHook } from '@app/contracts';
import { ScriptedServer, type RecordedRequest } from '../../../test/support/scripted-server';
import { startSim, type RunningSim } from './sim-harness';
import type { HookBody } from '../src/domain/hook-body';
import type { Delivery } from '../src/delivery/hook-sender';
import type { PlayResult } from '../src/scenarios/scenario-runner';

function body(request: RecordedRequest): HookBody {
  return JSON.parse(request.body) as HookBody;
}

describe('hook delivery to the configured URL', () => {
  let receiver: ScriptedServer;
  let sim: RunningSim | undefined;

  beforeEach(async () => {
    receiver = new ScriptedServer(() => ({ status: 202, body: { id: 'x' } }));
    await receiver.start();
  });

  afterEach(async () => {
    await sim?.close();
    sim = undefined;
    await receiver.stop();
  });

  async function start(env: Record<string, string> = {}): Promise<RunningSim> {
    sim = await startSim({ SIM_WEBHOOK_URL: `${receiver.url}/billwerk-hook`, ...env });
    return sim;
  }

  async function play(
    name: string,
    params?: object,
  ): Promise<PlayResult & { outcome: Record<string, number> }> {
    const answer = await (sim as RunningSim).control<
      PlayResult & { outcome: Record<string, number> }
    >('POST', `/sim/scenarios/${name}/play?wait=true`, params);
    expect(answer.status).toBe(200);
    return answer.body;
  }

  it('retries a refused hook with X-Retry-Count and a doubling delay, with HTTP Basic credentials', async () => {
    let calls = 0;
    receiver.use(() => (++calls <= 2 ? { status: 500 } : { status: 202 }));
    await start({
      SIM_WEBHOOK_USER: 'billwerk',
      SIM_WEBHOOK_PASSWORD: 'hook-pass',
      SIM_RETRY_BASE_MS: '5',
    });

    const played = await play('trial-ends');
    expect(played.outcome).toEqual({ delivered: 2 });

    const [first, second, third] = receiver.requests;
    expect(first.headers['x-retry-count']).toBeUndefined();
    expect(second.headers['x-retry-count']).toBe('1');
    expect(third.headers['x-retry-count']).toBe('2');
    expect(first.method).toBe('POST');
    expect(first.path).toBe('/billwerk-hook');
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.headers.authorization).toBe(
      `Basic ${Buffer.from('billwerk:hook-pass').toString('base64')}`,
    );
    expect([first, second, third].map(body)).toEqual([body(first), body(first), body(first)]);

    const delivery = (
      await sim!.control<Delivery>('GET', `/sim/deliveries/${played.deliveries[0]}`)
    ).body;
    expect(delivery.status).toBe('delivered');
    expect(delivery.attempts.map((a) => [a.retryCount, a.status, a.nextDelayMs])).toEqual([
      [0, 500, 5],
      [1, 500, 10],
      [2, 202, undefined],
    ]);
  });

  it('drops a hook after the last retry', async () => {
    receiver.use(() => ({ status: 503 }));
    await start({ SIM_MAX_RETRIES: '2' });
    const played = await play('customer-deleted');
    expect(played.outcome).toEqual({ dropped: 3 });
    const dropped = (await sim!.control<Delivery[]>('GET', '/sim/deliveries?status=dropped')).body;
    expect(dropped.map((d) => d.attempts.length)).toEqual([3, 3, 3]);
    expect(receiver.requests).toHaveLength(9);
  });

  it.each([200, 201, 204])('counts %i as delivered', async (status) => {
    receiver.use(() => ({ status }));
    await start();
    expect((await play('trial-ends')).outcome).toEqual({ delivered: 2 });
    expect(receiver.requests).toHaveLength(2);
  });

  it.each([203, 400, 401, 413])('retries after %i', async (status) => {
    let calls = 0;
    receiver.use(() =>
      ++calls === 1 ? { status, headers: { location: '/elsewhere' } } : { status: 202 },
    );
    await start();
    await play('trial-ends');
    expect(receiver.requests.filter((r) => r.path === '/billwerk-hook')).toHaveLength(3);
  });

  it('retries a hook that got no answer within the timeout', async () => {
    let calls = 0;
    receiver.use(() => (++calls === 1 ? { status: 202, hang: true } : { status: 202 }));
    await start({ SIM_HOOK_TIMEOUT_MS: '200' });
    const played = await play('trial-ends');
    const delivery = sim!.runtime.sender.get(played.deliveries[0]);
    expect(delivery?.attempts[0].error).toBe('no answer within 200 ms');
    expect(delivery?.status).toBe('delivered');
  });

  it("keeps one contract's hooks in order while an earlier one is retried", async () => {
    let refused = 0;
    receiver.use((request) =>
      body(request).Event === 'ContractCancelled' && refused++ < 3
        ? { status: 503 }
        : { status: 202 },
    );
    await start();
    const played = await play('cancel-withdraw');
    const contractHooks = receiver.requests
      .map(body)
      .filter((b) => b.ContractId === played.contracts.contract);
    expect(contractHooks.map((b) => `${b.Event}:${String(b.ContractChangeType ?? '')}`)).toEqual([
      'ContractCancelled:',
      'ContractCancelled:',
      'ContractCancelled:',
      'ContractCancelled:',
      'ContractChanged:EndContract',
      'ContractChanged:Resume',
    ]);
  });

  it('sends a hand-written hook, e.g. the older payload generation', async () => {
    await start();
    const hook = { Event: 'ContractChanged', ContractId: '5f0c8f4e2b1d4a0012345678' };
    const sent = await sim!.control<Delivery>('POST', '/sim/hooks', { body: hook });
    expect(sent.status).toBe(202);
    expect(sent.body.orderingKey).toBe(hook.ContractId);
    await sim!.control('POST', '/sim/deliveries/settle');
    expect(receiver.requests.map(body)).toEqual([hook]);

    const refused = await sim!.control<{ errors: unknown[] }>('POST', '/sim/hooks', {
      body: { ContractId: { nested: true } },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      { field: 'body.Event', detail: 'must be a non-empty string' },
      { field: 'body.ContractId', detail: 'must be a string, a number or a list of strings' },
    ]);
  });

  it('records hooks without sending them when no SIM_WEBHOOK_URL is set', async () => {
    sim = await startSim();
    const played = await play('trial-ends');
    expect(played.outcome).toEqual({ 'not-sent': 2 });
    expect(receiver.requests).toHaveLength(0);
  });

  describe('every scenario', () => {
    beforeEach(() => start());

    function hooksFor(...ids: string[]): HookBody[] {
      return receiver.requests
        .map(body)
        .filter((b) => ids.some((id) => Object.values(b).includes(id)));
    }

    afterEach(() => {
      // Every hook the simulator sends is one the ingress accepts.
      for (const request of receiver.requests)
        expect(validateHook(body(request))).toMatchObject({ valid: true });
    });

    it('cancel-withdraw: cancellation, then a ContractChanged after which EndDate is gone', async () => {
      const { contracts, customers } = await play('cancel-withdraw');
      const hooks = hooksFor(contracts.contract);
      expect(hooks.map((h) => h.Event)).toEqual([
        'ContractCancelled',
        'ContractChanged',
        'ContractChanged',
      ]);
      expect(Object.keys(hooks[0])).toEqual([
        'Event',
        'ContractId',
        'CustomerId',
        'EntityId',
        'ContractChangeId',
      ]);
      expect(Object.keys(hooks[1])).toEqual([
        'Event',
        'ContractId',
        'CustomerId',
        'ExternalCustomerId',
        'ContractChangeId',
        'ContractChangeType',
        'EntityId',
      ]);
      expect(hooks[1]).toMatchObject({
        CustomerId: customers.anna,
        ContractChangeType: 'EndContract',
      });
      expect(hooks[0].ContractChangeId).toBe(hooks[1].ContractChangeId);

      const client = sim!.client();
      const change = await client.getContractChange(hooks[1].ContractChangeId as string);
      expect(change).toMatchObject({
        ContractChangeType: 'EndContract',
        EndDate: expect.any(String),
      });
      const contract = await client.getContract(contracts.contract);
      expect(contract.EndDate).toBeUndefined();
      expect(contract.LifecycleStatus).toBe('Active');
    });

    it('cancel-ends: a future EndDate, then the contract ends when the clock passes it', async () => {
      const { contracts } = await play('cancel-ends');
      const hooks = hooksFor(contracts.contract);
      expect(hooks.map((h) => `${h.Event}:${String(h.ContractChangeType ?? '')}`)).toEqual([
        'ContractCancelled:',
        'ContractChanged:EndContract',
        'ContractChanged:Timebased',
      ]);
      const contract = await sim!.client().getContract(contracts.contract);
      expect(contract).toMatchObject({
        LifecycleStatus: 'Ended',
        CurrentPhase: { Type: 'Inactive' },
      });
      expect(Date.parse(contract.EndDate as string)).toBeLessThan(
        sim!.runtime.clock.now().getTime(),
      );
    });

    it('trial-ends: TrialEndApproaching, then CurrentPhase goes Trial to Normal', async () => {
      const { contracts } = await play('trial-ends');
      const hooks = hooksFor(contracts.contract);
      expect(hooks).toEqual([
        { Event: 'TrialEndApproaching', ContractId: contracts.contract },
        expect.objectContaining({ Event: 'ContractChanged', ContractChangeType: 'Timebased' }),
      ]);
      const contract = await sim!.client().getContract(contracts.contract);
      expect(contract.CurrentPhase?.Type).toBe('Normal');
      expect(contract.Phases?.map((p) => p.Type)).toEqual(['Trial', 'Normal']);
    });

    it('payment-recovery: failure, escalation with dunning, pause, then recovery', async () => {
      const { contracts, customers } = await play('payment-recovery');
      const client = sim!.client();
      const hooks = receiver.requests
        .map(body)
        .filter(
          (h) =>
            h.PaymentTransactionId !== undefined || Object.values(h).includes(contracts.contract),
        );
      expect(hooks.map((h) => h.Event)).toEqual([
        'PaymentFailed',
        'PaymentEscalated',
        'DunningCreated',
        'PaymentProcessStatusChanged',
        'PaymentSucceeded',
        'PaymentEscalationReset',
        'PaymentProcessStatusChanged',
      ]);
      expect(Object.keys(hooks[0])).toEqual(['Event', 'PaymentTransactionId']);
      expect(hooks[2]).toEqual({
        Event: 'DunningCreated',
        DunningId: expect.stringMatching(/^[0-9a-f]{24}$/),
        CustomerId: customers.james,
        ContractID: contracts.contract,
      });
      expect(hooks[1]).toMatchObject({ TriggerDays: 5, DueDate: expect.any(String) });
      await expect(
        client.getPaymentTransaction(hooks[0].PaymentTransactionId as string),
      ).resolves.toMatchObject({
        ContractId: contracts.contract,
        Status: 'Failed',
      });
      await expect(
        client.getPaymentTransaction(hooks[4].PaymentTransactionId as string),
      ).resolves.toMatchObject({
        Status: 'Succeeded',
      });
      expect((await client.getContract(contracts.contract)).RecurringPaymentsPaused).toBe(false);
    });

    it('customer-deleted: CustomerDeleted then ContractDeleted per contract; all 404 afterwards', async () => {
      const { contracts, customers } = await play('customer-deleted');
      const hooks = hooksFor(customers.anna, contracts.first, contracts.second);
      expect(hooks).toEqual([
        { Event: 'CustomerDeleted', CustomerId: customers.anna, EntityId: expect.any(String) },
        { Event: 'ContractDeleted', ContractId: contracts.first },
        { Event: 'ContractDeleted', ContractId: contracts.second },
      ]);
      const client = sim!.client();
      await expect(client.getCustomer(customers.anna)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(client.getContract(contracts.first)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });

    it('customer-deleted-tombstone: the customer answers with DeletedAt, its contracts 404', async () => {
      const { contracts, customers } = await play('customer-deleted-tombstone');
      expect(hooksFor(customers.james, contracts.contract).map((h) => h.Event)).toEqual([
        'CustomerDeleted',
        'ContractDeleted',
      ]);
      const client = sim!.client();
      await expect(client.getCustomer(customers.james)).resolves.toMatchObject({
        DeletedAt: expect.any(String),
      });
      await expect(client.getCustomerContracts(customers.james)).resolves.toEqual([]);
      await expect(client.getContract(contracts.contract)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });

    it('bulk: N hooks over M contracts, each contract in order', async () => {
      const played = await play('bulk', { hooks: 300, contracts: 20, seed: 7 });
      expect(played.deliveries).toHaveLength(300);
      expect(played.outcome).toEqual({ delivered: 300 });
      expect(Object.keys(played.contracts)).toHaveLength(20);
      for (const [ref, contractId] of Object.entries(played.contracts)) {
        const customerId = played.customers[ref];
        const emitted = sim!.runtime.sender
          .list({ orderingKey: contractId })
          .sort((a, b) => a.seq - b.seq)
          .map((d) => JSON.stringify(d.body));
        const received = hooksFor(contractId, customerId).map((b) => JSON.stringify(b));
        expect(received).toEqual(emitted);
      }
    });
  });
});
