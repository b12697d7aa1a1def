import { Injectable, StreamableFile } from '@nestjs/common';
import { PassThrough } from 'node:stream';
import { HookSender, type Delivery } from '../delivery/hook-sender';
import { DAY_MS } from '../domain/sim-clock';
import { SimInvalidFieldsError, SimNotFoundError } from '../domain/sim-errors';
import { Simulation } from '../domain/simulation';
import { validateBody } from '../domain/validate-body';
import { FaultInjector, type ActiveFault } from '../faults/fault-injector';
import { TokenIssuer } from '../oauth/token-issuer';
import { PACE_PROBLEM, parsePace } from '../scenarios/pace';
import {
  ScenarioRunner,
  type PlayResult,
  type ScenarioSummary,
  type StepReport,
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

export interface PlayRequest {
  /** Answer once every hook of the play was delivered or dropped. */
  wait: boolean;
  /** From the query; overrides the body's. */
  pace?: string;
  /** Answer NDJSON: a line per step as it happens, then `{"result": …}`. */
  stream: boolean;
}

/** A step as the control API shows it: with how each of its hooks ended. */
export interface StepAnswer extends StepReport {
  hooks: Array<{ id: string; event: string; status: string }>;
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

  /**
   * Plays a scenario. With a pace, each step's hooks are delivered (or dropped, after billwerk's
   * retries) before the pace runs, so what the step sent is out before the next one changes the
   * state. Without a pace (the API's default) every step is applied at once, as before.
   */
  async play(
    name: string,
    body: unknown,
    request: PlayRequest,
  ): Promise<PlayAnswer | StreamableFile> {
    const { pace: bodyPace, ...params } = validateBody(PlayScenarioDto, body);
    const paceText = request.pace ?? bodyPace;
    const paceMs = paceText === undefined ? 0 : parsePace(paceText);
    if (paceMs === undefined)
      throw new SimInvalidFieldsError([{ field: 'pace', detail: PACE_PROBLEM }]);
    const prepared = this.scenarios.prepare(name, params);
    const finish = async (result: PlayResult): Promise<PlayAnswer> => {
      if (!request.wait) return result;
      await this.sender.settle(result.deliveries);
      return { ...result, outcome: this.outcomeOf(result.deliveries) };
    };
    if (!request.stream) {
      const afterStep =
        paceMs > 0 ? (report: StepReport) => this.sender.settle(report.deliveries) : undefined;
      return finish(await prepared.run({ paceMs, afterStep }));
    }
    const lines = new PassThrough();
    const write = (line: unknown): void => void lines.write(`${JSON.stringify(line)}\n`);
    const { scenario, outcome, steps, customers, contracts } = prepared;
    write({ play: { scenario, outcome, steps, customers, contracts } });
    const played = prepared.run({
      paceMs,
      afterStep: async (report) => {
        await this.sender.settle(report.deliveries);
        write({ ...report, hooks: report.deliveries.map((id) => this.hookOf(id)) });
      },
    });
    void played
      .then(finish)
      .then(
        (result) => write({ result }),
        (error: unknown) =>
          write({ error: error instanceof Error ? error.message : String(error) }),
      )
      .finally(() => lines.end());
    return new StreamableFile(lines, { type: 'application/x-ndjson' });
  }

  private hookOf(id: string): StepAnswer['hooks'][number] {
    const delivery = this.sender.get(id);
    return { id, event: delivery?.event ?? 'unknown', status: delivery?.status ?? 'forgotten' };
  }

  private outcomeOf(deliveries: string[]): Record<string, number> {
    const outcome: Record<string, number> = {};
    for (const id of deliveries) {
      const status = this.sender.get(id)?.status ?? 'forgotten';
      outcome[status] = (outcome[status] ?? 0) + 1;
    }
    return outcome;
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
