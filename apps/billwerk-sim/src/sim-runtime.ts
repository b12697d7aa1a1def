import type { Logger } from 'pino';
import type { SimConfig } from './config/sim.config';
import { HookSender } from './delivery/hook-sender';
import { FaultInjector } from './faults/fault-injector';
import { SimClock } from './domain/sim-clock';
import { SimStore } from './domain/sim-store';
import { Simulation } from './domain/simulation';
import { TokenIssuer } from './oauth/token-issuer';
import { ScenarioRunner } from './scenarios/scenario-runner';

/** The simulator's plain (Nest-free) parts, wired once per app. */
export class SimRuntime {
  readonly clock = new SimClock();
  readonly store = new SimStore();
  readonly faults = new FaultInjector();
  readonly sender: HookSender;
  readonly tokens: TokenIssuer;
  readonly simulation: Simulation;
  readonly scenarios: ScenarioRunner;

  constructor(config: SimConfig, logger: Logger, fetchImpl: typeof fetch = globalThis.fetch) {
    this.sender = new HookSender(
      config.webhook,
      logger.child({ component: 'hook-sender' }),
      fetchImpl,
    );
    this.tokens = new TokenIssuer(
      config.oauth.clientId,
      config.oauth.clientSecret,
      config.oauth.tokenTtlSeconds,
    );
    this.simulation = new Simulation(this.store, this.clock, config.entityId, this.sender);
    this.scenarios = new ScenarioRunner(this.simulation, this.clock, config.entityId);
  }

  /** Back to an empty account with the discount catalogue; faults cleared, settled deliveries forgotten. */
  reset(): void {
    this.store.reset();
    this.faults.clear();
    this.sender.clearSettled();
  }
}
