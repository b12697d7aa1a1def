import { DAY_MS, type SimClock } from '../domain/sim-clock';
import { SimInvalidFieldsError, SimNotFoundError, type FieldProblem } from '../domain/sim-errors';
import type { Simulation } from '../domain/simulation';
import { BULK_EVENTS, bulkFields, seededRandom } from './bulk-hooks';
import { describeStep, type ScenarioDefinition, type ScenarioStep } from './scenario';
import { SCENARIOS } from './scenario-catalog';

export const BULK_SCENARIO = 'bulk';

export interface BulkParams {
  /** Hooks to send. Default 1000. */
  hooks?: number;
  /** Contracts (each with its own customer) to spread them over. Default 100. */
  contracts?: number;
  /** Seed for the random choice of events and contracts. Default 1. */
  seed?: number;
}

export interface PlayResult {
  scenario: string;
  /** Scenario refs → the fresh billwerk ids created for this play. */
  customers: Record<string, string>;
  contracts: Record<string, string>;
  /** Delivery ids of the hooks the play emitted, in emission order (see GET /sim/deliveries/:id). */
  deliveries: string[];
  /** The simulator clock after the play. */
  now: string;
}

export interface ScenarioSummary {
  name: string;
  description: string;
  /** What the running stack shows after an interactive play (absent for bulk). */
  outcome?: string;
  steps: number;
}

/** One step of a play, once it changed the simulation and emitted its hooks. */
export interface StepReport {
  /** 1-based. */
  step: number;
  of: number;
  text: string;
  /** Delivery ids of the hooks this step emitted. */
  deliveries: string[];
  /** The simulator clock after the step. */
  now: string;
}

export interface PlayOptions {
  /** Real time between two steps; 0 (the default) applies every step at once. */
  paceMs?: number;
  /** Awaited after each step, before the pace runs (to deliver its hooks, show it, …). */
  afterStep?: (report: StepReport) => Promise<void> | void;
}

/** A play checked and seeded, its steps not yet applied. */
export interface PreparedPlay {
  scenario: string;
  outcome?: string;
  steps: number;
  customers: Record<string, string>;
  contracts: Record<string, string>;
  run(options?: PlayOptions): Promise<PlayResult>;
}

const BULK_DESCRIPTION =
  'Load: N random contract/payment/customer hooks (catalog payloads) spread over M fresh contracts; state is not changed. Params: hooks (default 1000), contracts (default 100), seed.';

/** Plays scenarios against the simulation. */
export class ScenarioRunner {
  private readonly scenarios = new Map(SCENARIOS.map((s) => [s.name, s]));

  constructor(
    private readonly simulation: Simulation,
    private readonly clock: SimClock,
    private readonly entityId: string,
  ) {}

  list(): ScenarioSummary[] {
    return [
      ...[...this.scenarios.values()].map(({ name, description, outcome, steps }) => ({
        name,
        description,
        outcome,
        steps: steps.length,
      })),
      { name: BULK_SCENARIO, description: BULK_DESCRIPTION, steps: 1 },
    ];
  }

  play(name: string, params: BulkParams = {}, options: PlayOptions = {}): Promise<PlayResult> {
    return this.prepare(name, params).run(options);
  }

  /**
   * Checks the scenario and its parameters and creates its customers and contracts; throws
   * before anything is emitted, so a caller can answer an error before it starts streaming.
   */
  prepare(name: string, params: BulkParams = {}): PreparedPlay {
    if (name === BULK_SCENARIO) return this.prepareBulk(params);
    const scenario = this.scenarios.get(name);
    if (!scenario) throw new SimNotFoundError('scenario', name);
    return this.prepareScripted(scenario);
  }

  private prepareScripted(scenario: ScenarioDefinition): PreparedPlay {
    const customers: Record<string, string> = {};
    const contracts: Record<string, string> = {};
    for (const { ref, ...seed } of scenario.customers) {
      customers[ref] = this.simulation.createCustomer(seed).Id;
    }
    for (const { ref, customer, ...seed } of scenario.contracts) {
      contracts[ref] = this.simulation.createContract(lookup(customers, customer), seed).Id;
    }
    const steps = scenario.steps.map((step) => ({
      text: describeStep(step),
      apply: () => this.run(step, customers, contracts),
    }));
    return {
      ...this.prepared(scenario.name, customers, contracts, steps),
      outcome: scenario.outcome,
    };
  }

  /** Applies the steps one by one: each changes the state and emits, then the pace runs. */
  private prepared(
    scenario: string,
    customers: Record<string, string>,
    contracts: Record<string, string>,
    steps: Array<{ text: string; apply: () => void }>,
  ): PreparedPlay {
    return {
      scenario,
      steps: steps.length,
      customers,
      contracts,
      run: async ({ paceMs = 0, afterStep } = {}) => {
        const deliveries: string[] = [];
        for (const [index, { text, apply }] of steps.entries()) {
          if (index > 0 && paceMs > 0) await sleep(paceMs);
          const emitted = this.simulation.record(apply);
          deliveries.push(...emitted);
          await afterStep?.({
            step: index + 1,
            of: steps.length,
            text,
            deliveries: emitted,
            now: this.clock.now().toISOString(),
          });
        }
        return this.result(scenario, customers, contracts, deliveries);
      },
    };
  }

  private run(
    step: ScenarioStep,
    customers: Record<string, string>,
    contracts: Record<string, string>,
  ): void {
    const sim = this.simulation;
    switch (step.do) {
      case 'cancel':
        sim.cancelContract(lookup(contracts, step.contract), step.endInDays);
        return;
      case 'withdrawCancellation':
        sim.withdrawCancellation(lookup(contracts, step.contract));
        return;
      case 'advanceClock':
        sim.advanceClock(step.days * DAY_MS);
        return;
      case 'failPayment':
        sim.failPayment(lookup(contracts, step.contract), step.amount);
        return;
      case 'succeedPayment':
        sim.succeedPayment(lookup(contracts, step.contract), step.amount);
        return;
      case 'escalatePayment':
        sim.escalatePayment(lookup(contracts, step.contract), step.triggerDays);
        return;
      case 'resetEscalation':
        sim.resetEscalation(lookup(contracts, step.contract));
        return;
      case 'pauseRecurringPayments':
        sim.setRecurringPaymentsPaused(lookup(contracts, step.contract), true);
        return;
      case 'resumeRecurringPayments':
        sim.setRecurringPaymentsPaused(lookup(contracts, step.contract), false);
        return;
      case 'deleteCustomer':
        sim.deleteCustomer(lookup(customers, step.customer), step.keepTombstone);
        return;
    }
  }

  private prepareBulk(params: BulkParams): PreparedPlay {
    const hooks = params.hooks ?? 1000;
    const contractCount = params.contracts ?? 100;
    const problems = [
      ...range('hooks', hooks, 1, 100_000),
      ...range('contracts', contractCount, 1, 10_000),
      ...range('seed', params.seed ?? 1, 0, 2 ** 32 - 1),
    ];
    if (problems.length > 0) throw new SimInvalidFieldsError(problems);
    const random = seededRandom(params.seed ?? 1);
    const customers: Record<string, string> = {};
    const contracts: Record<string, string> = {};
    const created = Array.from({ length: contractCount }, (_, index) => {
      const ref = `bulk-${index + 1}`;
      const customer = this.simulation.createCustomer({
        FirstName: 'Bulk',
        LastName: `Customer ${index + 1}`,
        EmailAddress: `bulk-${index + 1}@example.com`,
      });
      const contract = this.simulation.createContract(customer.Id, {
        startedDaysAgo: 1 + Math.floor(random() * 365),
      });
      customers[ref] = customer.Id;
      contracts[ref] = contract.Id;
      return { contract, externalCustomerId: customer.ExternalCustomerId };
    });
    const send = (): void => {
      for (let i = 0; i < hooks; i++) {
        const { contract, externalCustomerId } = created[Math.floor(random() * created.length)];
        const event = BULK_EVENTS[Math.floor(random() * BULK_EVENTS.length)];
        const fields = bulkFields(event, {
          contract,
          externalCustomerId,
          entityId: this.entityId,
          now: this.clock.now(),
          random,
        });
        this.simulation.emit(contract.Id, event, fields);
      }
    };
    return this.prepared(BULK_SCENARIO, customers, contracts, [
      { text: `${hooks} random hooks over ${contractCount} contracts`, apply: send },
    ]);
  }

  private result(
    scenario: string,
    customers: Record<string, string>,
    contracts: Record<string, string>,
    deliveries: string[],
  ): PlayResult {
    return {
      scenario,
      customers,
      contracts,
      deliveries,
      now: this.clock.now().toISOString(),
    };
  }
}

function lookup(refs: Record<string, string>, ref: string): string {
  const id = refs[ref];
  if (id === undefined) throw new SimNotFoundError('scenario ref', ref);
  return id;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function range(name: string, value: number, min: number, max: number): FieldProblem[] {
  return Number.isInteger(value) && value >= min && value <= max
    ? []
    : [{ field: name, detail: `must be an integer from ${min} to ${max}` }];
}
