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

  it('plays with fresh ids each time and reports the deliveries it emitted', () => {
    const { runner: scenarios, sink } = runner();
    const first = scenarios.play('cancel-withdraw');
    const second = scenarios.play('cancel-withdraw');
    expect(first.contracts.contract).not.toBe(second.contracts.contract);
    expect(first.deliveries).toEqual(['delivery-1', 'delivery-2', 'delivery-3']);
    expect(second.deliveries).toEqual(['delivery-4', 'delivery-5', 'delivery-6']);
    expect(sink.events()).toHaveLength(6);
  });

  it('refuses an unknown scenario', () => {
    expect(() => runner().runner.play('nope')).toThrow(SimNotFoundError);
  });

  it('plays bulk: the requested number of catalog hooks over fresh contracts, repeatable by seed', () => {
    const a = runner();
    const b = runner();
    const played = a.runner.play('bulk', { hooks: 50, contracts: 5, seed: 9 });
    b.runner.play('bulk', { hooks: 50, contracts: 5, seed: 9 });
    expect(played.deliveries).toHaveLength(50);
    expect(Object.keys(played.contracts)).toHaveLength(5);
    expect(a.sink.events()).toEqual(b.sink.events());
    const contractIds = new Set(Object.values(played.contracts));
    expect(a.sink.hooks.every((h) => contractIds.has(h.orderingKey))).toBe(true);
  });

  it('refuses bulk parameters out of range', () => {
    expect(() => runner().runner.play('bulk', { hooks: 0, contracts: 100_000 })).toThrow(
      SimInvalidFieldsError,
    );
  });
});
