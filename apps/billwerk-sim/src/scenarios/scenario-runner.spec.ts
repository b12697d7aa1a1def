import { ENTITY_ID, simulationFixture } from '../../test/recording-sink';
import { SimInvalidFieldsError, SimNotFoundError } from '../domain/sim-errors';
import { ScenarioRunner } from './scenario-runner';

describe('ScenarioRunner', () => {
  function runner() {
    const fixture = simulationFixture();
    return {
      ...fixture,
      runner: new ScenarioRunner(fixture.simulation, fixture.clock, ENTITY_ID),
    };
  }

  it('lists every scripted scenario and bulk', () => {
    expect(
      runner()
        .runner.list()
        .map((s) => s.name),
    ).toEqual([
      'cancel',
      'cancel-withdraw',
      'cancel-ends',
      'trial-ends',
      'payment-recovery',
      'customer-deleted',
      'customer-deleted-tombstone',
      'bulk',
    ]);
  });

  it('plays with fresh ids each time and reports the deliveries it emitted', async () => {
    const { runner: scenarios, sink } = runner();
    const first = await scenarios.play('cancel-withdraw');
    const second = await scenarios.play('cancel-withdraw');
    expect(first.contracts.contract).not.toBe(second.contracts.contract);
    expect(first.deliveries).toEqual(['delivery-1', 'delivery-2', 'delivery-3']);
    expect(second.deliveries).toEqual(['delivery-4', 'delivery-5', 'delivery-6']);
    expect(sink.events()).toHaveLength(6);
  });

  it('reports each step as it is applied, the state changed and the hooks emitted by then', async () => {
    const { runner: scenarios, simulation, sink } = runner();
    const seen: Array<{ text: string; hooks: number; endDate: string | undefined }> = [];
    const played = await scenarios.play(
      'cancel-withdraw',
      {},
      {
        afterStep: (report) => {
          // The cancellation's hooks are keyed by the one contract the scenario created.
          const contract = simulation.contract(sink.hooks[0].orderingKey);
          seen.push({ text: report.text, hooks: sink.hooks.length, endDate: contract.EndDate });
          expect(report.of).toBe(3);
        },
      },
    );
    expect(seen.map((s) => s.text)).toEqual([
      'contract is cancelled, EndDate in 30 days',
      'the simulator clock jumps 5 days ahead',
      'the cancellation of contract is withdrawn',
    ]);
    expect(seen.map((s) => s.hooks)).toEqual([2, 2, 3]);
    // While the first two steps are out the cancellation is pending: retention can see it.
    expect(seen[0].endDate).toBeDefined();
    expect(seen[1].endDate).toBeDefined();
    expect(seen[2].endDate).toBeUndefined();
    expect(played.deliveries).toHaveLength(3);
  });

  it('waits the pace between steps, not before the first or after the last', async () => {
    const { runner: scenarios } = runner();
    const at: number[] = [];
    const started = Date.now();
    await scenarios.play(
      'cancel-withdraw',
      {},
      { paceMs: 60, afterStep: () => void at.push(Date.now() - started) },
    );
    expect(at[0]).toBeLessThan(50);
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(55);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(55);
    expect(Date.now() - started - at[2]).toBeLessThan(50);
  });

  it('lists each scenario with what the stack shows afterwards and its number of steps', () => {
    const listed = runner().runner.list();
    expect(listed.find((s) => s.name === 'cancel-withdraw')).toMatchObject({
      steps: 3,
      outcome: expect.stringContaining('won') as unknown,
    });
  });

  it('refuses an unknown scenario before anything is created', () => {
    const { runner: scenarios, sink } = runner();
    expect(() => scenarios.prepare('nope')).toThrow(SimNotFoundError);
    expect(sink.hooks).toEqual([]);
  });

  it('plays bulk: the requested number of catalog hooks over fresh contracts, repeatable by seed', async () => {
    const a = runner();
    const b = runner();
    const played = await a.runner.play('bulk', { hooks: 50, contracts: 5, seed: 9 });
    await b.runner.play('bulk', { hooks: 50, contracts: 5, seed: 9 });
    expect(played.deliveries).toHaveLength(50);
    expect(Object.keys(played.contracts)).toHaveLength(5);
    expect(a.sink.events()).toEqual(b.sink.events());
    const contractIds = new Set(Object.values(played.contracts));
    expect(a.sink.hooks.every((h) => contractIds.has(h.orderingKey))).toBe(true);
  });

  it('refuses bulk parameters out of range', () => {
    expect(() => runner().runner.prepare('bulk', { hooks: 0, contracts: 100_000 })).toThrow(
      SimInvalidFieldsError,
    );
  });
});
