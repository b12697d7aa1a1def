import type { HookBody } from '../src/domain/hook-body';
import { SimClock } from '../src/domain/sim-clock';
import { SimStore } from '../src/domain/sim-store';
import { Simulation, type HookSink } from '../src/domain/simulation';

/** Collects emitted hooks in order, for specs of the simulation without HTTP. */
export class RecordingSink implements HookSink {
  readonly hooks: Array<{ orderingKey: string; body: HookBody }> = [];

  enqueue(orderingKey: string, body: HookBody): { id: string } {
    this.hooks.push({ orderingKey, body });
    return { id: `delivery-${this.hooks.length}` };
  }

  events(): string[] {
    return this.hooks.map((h) => h.body.Event);
  }
}

export const ENTITY_ID = '5c0b5c6e81c2b40d4c1c2b40';
export const START = Date.parse('2026-06-15T12:00:00Z');

/** A simulation on a fixed clock (2026-06-15 12:00 UTC) with a recording sink. */
export function simulationFixture(): {
  simulation: Simulation;
  sink: RecordingSink;
  clock: SimClock;
  store: SimStore;
} {
  const sink = new RecordingSink();
  const clock = new SimClock(() => START);
  const store = new SimStore();
  return { simulation: new Simulation(store, clock, ENTITY_ID, sink), sink, clock, store };
}

export const ANNA = { FirstName: 'Anna', LastName: 'Schmidt', EmailAddress: 'anna@example.com' };
