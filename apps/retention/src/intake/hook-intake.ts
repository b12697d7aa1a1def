import { BillwerkApiError } from '@app/billwerk-api';
import { classifyFailure } from '@app/messaging';
import { isUniqueViolation } from '@app/persistence';
import type { Logger } from 'pino';
import type { ConsumedMessage, ParkedHook } from '../persistence/records';
import type { RetentionStore } from '../persistence/retention-store';
import { needsBillwerkState, type IncomingHook } from '../workflow/hook';
import type { WorkflowEngine } from '../workflow/workflow-engine';
import { classifyBillwerkError, UnusableHookError } from '../workflow/workflow-errors';
import { parseHookEnvelope } from './hook-envelope';
import type { HookReadCache } from './hook-read-cache';

export type { ConsumedMessage } from '../persistence/records';

export type IntakeOutcome = 'processed' | 'ignored' | 'parked' | 'dead-lettered';

export interface IntakeResult {
  outcome: IntakeOutcome;
  /** The decision, or why the hook was parked or dead-lettered; ids and dates only. */
  summary?: string;
}

/** Publishes a hook that can never be processed to the DLQ, resolving once Kafka acknowledged. */
export type DeadLetter = (
  message: ConsumedMessage,
  code: string,
  reason: string,
  attempts: number,
) => Promise<void>;

export interface IntakeSettings {
  /** First delay before a parked hook is retried; doubles per attempt up to an hour. */
  retryBaseMs: number;
  /** Attempts after which a parked hook goes to the DLQ. */
  maxAttempts: number;
}

interface Failure {
  kind: 'transient' | 'permanent';
  code: string;
  reason: string;
}

const MAX_RETRY_DELAY_MS = 3_600_000;
/** A claimed parked hook is hidden this long; if its instance dies it becomes due again. */
const CLAIM_MS = 300_000;
const RETRY_BATCH = 20;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Classifies every failure of a hook: billwerk unreachable → parked (the offset moves on, the
 * retrier tries later); unusable or refused for good → DLQ; anything else is thrown to the
 * consumer runner, which pauses and retries while the database is down and dead-letters a hook
 * that keeps failing the same way.
 */
export class HookIntake {
  constructor(
    private readonly engine: WorkflowEngine,
    private readonly store: RetentionStore,
    private readonly deadLetter: DeadLetter,
    private readonly settings: IntakeSettings,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
    private readonly reads?: HookReadCache,
  ) {}

  /** Until then hooks that need billwerk are parked without asking it (see `process`). */
  private billwerkDownUntil = 0;

  /**
   * After billwerk failed, hooks that need it are parked at once for a while instead of each
   * waiting out its timeouts and retries: the partitions keep their pace during an outage. The
   * retrier is the probe; its first success lifts the pause.
   */
  async process(message: ConsumedMessage): Promise<IntakeResult> {
    let hook: IncomingHook;
    try {
      hook = parseHookEnvelope(message.value);
    } catch (error) {
      if (!(error instanceof UnusableHookError)) throw error;
      await this.deadLetter(message, error.code, error.message, 1);
      return { outcome: 'dead-lettered', summary: error.message };
    }
    if (needsBillwerkState(hook.event) && this.now().getTime() < this.billwerkDownUntil) {
      const reason = 'billwerk failed moments ago; not asked again yet';
      await this.park(message, reason);
      return { outcome: 'parked', summary: reason };
    }
    if (needsBillwerkState(hook.event)) {
      // The store first: while it is down billwerk is not asked for state nobody can save.
      await this.store.ping();
    }
    const result = await this.attempt(hook);
    // Handled for good (stored, parked or dead-lettered): a redelivery fetches fresh state.
    this.reads?.forget(hook.envelopeId);
    if (!('kind' in result)) return result;
    if (result.kind === 'permanent') {
      await this.deadLetter(message, result.code, result.reason, 1);
      return { outcome: 'dead-lettered', summary: result.reason };
    }
    await this.park(message, result.reason);
    return { outcome: 'parked', summary: result.reason };
  }

  /** Runs the engine; returns the outcome, or the classified failure. */
  private async attempt(hook: IncomingHook): Promise<IntakeResult | Failure> {
    try {
      const handle = () => this.engine.handle(hook);
      const outcome = await (this.reads ? this.reads.run(hook.envelopeId, handle) : handle());
      if (needsBillwerkState(hook.event)) this.billwerkDownUntil = 0;
      return outcome.relevant
        ? { outcome: 'processed', summary: outcome.summary }
        : { outcome: 'ignored' };
    } catch (error) {
      if (error instanceof UnusableHookError) {
        return { kind: 'permanent', code: error.code, reason: error.message };
      }
      if (error instanceof BillwerkApiError) {
        const kind = classifyBillwerkError(error);
        if (kind === 'transient') {
          this.billwerkDownUntil = this.now().getTime() + this.settings.retryBaseMs;
        }
        return { kind, code: error.code, reason: error.message };
      }
      // The engine already decided again after a conflict; one that persists would block the
      // partition for good.
      if (isUniqueViolation(error)) {
        return { kind: 'permanent', code: 'STORE_CONFLICT', reason: errorText(error) };
      }
      throw error;
    }
  }

  private async park(message: ConsumedMessage, reason: string): Promise<void> {
    const at = this.now();
    // False: redelivered after a crash between parking and the offset commit, already parked.
    await this.store.parkedHooks.park(
      message,
      reason,
      at,
      new Date(at.getTime() + this.settings.retryBaseMs),
    );
    this.logger.warn(
      { topic: message.topic, partition: message.partition, offset: message.offset, reason },
      'billwerk unavailable: hook parked for a later retry',
    );
  }

  /** Retries parked hooks that are due; several instances may run it, each hook is claimed. */
  async retryParked(): Promise<{ processed: number; parked: number; deadLettered: number }> {
    const result = { processed: 0, parked: 0, deadLettered: 0 };
    const now = this.now();
    const claimed = this.store.parkedHooks.claimDue(
      now,
      new Date(now.getTime() + CLAIM_MS),
      RETRY_BATCH,
    );
    for await (const hook of claimed) {
      const outcome = await this.retry(hook);
      if (outcome === 'failed') continue;
      result[outcome] += 1;
      // billwerk is still down: the other due hooks wait for the next round's probe.
      if (outcome === 'parked') break;
    }
    return result;
  }

  /** One parked hook's retry; 'failed' leaves it claimed, due again once its claim runs out. */
  private async retry(
    hook: ParkedHook,
  ): Promise<'processed' | 'parked' | 'deadLettered' | 'failed'> {
    const { message } = hook;
    const attempts = hook.attempts + 1;
    let failure: IntakeResult | Failure;
    try {
      failure = await this.attempt(parseHookEnvelope(message.value));
    } catch (error) {
      // A value no column takes fails the same way every time: dead-letter it rather than
      // retrying it whenever its claim runs out. Anything else (the database) waits for that.
      const failure = classifyFailure(error);
      if (failure.kind === 'deterministic') {
        await this.deadLetter(message, failure.code, errorText(error), attempts);
        await this.store.parkedHooks.drop(hook);
        return 'deadLettered';
      }
      this.logger.error({ err: errorText(error), pendingId: hook.id }, 'parked hook retry failed');
      return 'failed';
    }
    if (!('kind' in failure)) {
      await this.store.parkedHooks.drop(hook);
      return 'processed';
    }
    if (failure.kind === 'permanent' || attempts >= this.settings.maxAttempts) {
      await this.deadLetter(message, failure.code, failure.reason, attempts);
      await this.store.parkedHooks.drop(hook);
      return 'deadLettered';
    }
    const delay = Math.min(this.settings.retryBaseMs * 2 ** hook.attempts, MAX_RETRY_DELAY_MS);
    await this.store.parkedHooks.reschedule(
      hook,
      failure.reason,
      new Date(this.now().getTime() + delay),
    );
    return 'parked';
  }
}
