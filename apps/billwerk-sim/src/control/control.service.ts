import { Injectable } from '@nestjs/common';
import { HookSender, type Delivery } from '../delivery/hook-sender';
import { DAY_MS } from '../domain/sim-clock';
import { SimNotFoundError } from '../domain/sim-errors';
import { Simulation } from '../domain/simulation';
import { validateBody } from '../domain/validate-body';
import { FaultInjector, type ActiveFault } from '../faults/fault-injector';
import { TokenIssuer } from '../oauth/token-issuer';
import {
  ScenarioRunner,
  type PlayResult,
  type ScenarioSummary,
} from '../scenarios/scenario-runner';
import { SimRuntime } from '../sim-runtime';
import {
  AdvanceClockDto,
  DeliveryQueryDto,
  FaultDto,
  PlayScenarioDto,
  SendHookDto,
} from './control.dto';
import { orderingKeyOf, parseRawHook } from '../domain/hook-body';

export interface PlayAnswer extends PlayResult {
  /** With `?wait=true`: how each emitted hook ended (delivered, dropped or not-sent). */
  outcome?: Record<string, number>;
}

/** The simulator's control API: scenarios, clock, faults, tokens and the delivery log. */
@Injectable()
export class ControlService {
  constructor(
    private readonly runtime: SimRuntime,
    private readonly scenarios: ScenarioRunner,
    private readonly simulation: Simulation,
    private readonly sender: HookSender,
    private readonly faults: FaultInjector,
    private readonly tokens: TokenIssuer,
  ) {}

  listScenarios(): ScenarioSummary[] {
    return this.scenarios.list();
  }

  async play(name: string, body: unknown, wait: boolean): Promise<PlayAnswer> {
    const params = validateBody(PlayScenarioDto, body);
    const result = this.scenarios.play(name, params);
    if (!wait) return result;
    await this.sender.settle(result.deliveries);
    const outcome: Record<string, number> = {};
    for (const id of result.deliveries) {
      const status = this.sender.get(id)?.status ?? 'forgotten';
      outcome[status] = (outcome[status] ?? 0) + 1;
    }
    return { ...result, outcome };
  }

  clock(): { now: string; offsetMs: number } {
    return { now: this.runtime.clock.now().toISOString(), offsetMs: this.runtime.clock.offset };
  }

  advanceClock(body: unknown): { from: string; to: string; deliveries: string[] } {
    const { days = 0, hours = 0, minutes = 0 } = validateBody(AdvanceClockDto, body);
    const from = this.runtime.clock.now();
    const deliveries = this.simulation.record(() =>
      this.simulation.advanceClock(days * DAY_MS + (hours * 60 + minutes) * 60_000),
    );
    return { from: from.toISOString(), to: this.runtime.clock.now().toISOString(), deliveries };
  }

  /** Sends a hand-written hook through the same delivery queue as the scenarios' hooks. */
  sendHook(body: unknown): Delivery {
    const request = validateBody(SendHookDto, body);
    const hook = parseRawHook(request.body);
    return this.sender.enqueue(request.orderingKey ?? orderingKeyOf(hook), hook);
  }

  addFault(body: unknown): ActiveFault {
    return this.faults.add(validateBody(FaultDto, body));
  }

  listFaults(): ActiveFault[] {
    return this.faults.list();
  }

  clearFaults(): void {
    this.faults.clear();
  }

  revokeTokens(): { revoked: number } {
    return { revoked: this.tokens.revokeAll() };
  }

  deliveries(query: unknown): Delivery[] {
    return this.sender.list(validateBody(DeliveryQueryDto, query));
  }

  delivery(id: string): Delivery {
    const delivery = this.sender.get(id);
    if (!delivery) throw new SimNotFoundError('delivery', id);
    return delivery;
  }

  async settleDeliveries(): Promise<{ settled: number }> {
    await this.sender.settle();
    return { settled: this.sender.list().length };
  }

  clearDeliveries(): { removed: number } {
    return { removed: this.sender.clearSettled() };
  }

  reset(): void {
    this.runtime.reset();
  }
}
