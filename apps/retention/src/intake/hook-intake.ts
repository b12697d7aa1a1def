import { BillwerkApiError } from '@app/billwerk-api';
import { classifyFailure } from '@app/messaging';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import {
  isUniqueViolation,
  needsBillwerkState,
  type IncomingHook,
  type WorkflowEngine,
} from '../workflow/workflow-engine';
import { classifyBillwerkError, UnusableHookError } from '../workflow/workflow-errors';
import { parseHookEnvelope } from './hook-envelope';
import type { HookReadCache } from './hook-read-cache';
import { PendingHookEntity } from './pending-hook.entity';

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

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
    private readonly dataSource: DataSource,
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
      await this.dataSource.query('SELECT 1');
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
    try {
      await this.dataSource.manager.insert(PendingHookEntity, {
        id: randomUUID(),
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        messageKey: message.key,
        value: message.value,
        headers: JSON.stringify(message.headers),
        attempts: 1,
        nextAttemptAt: new Date(at.getTime() + this.settings.retryBaseMs).toISOString(),
        lastError: reason,
        createdAt: at.toISOString(),
      });
    } catch (error) {
      // Redelivered after a crash between parking and the offset commit: already parked.
      if (!isUniqueViolation(error)) throw error;
    }
    this.logger.warn(
      { topic: message.topic, partition: message.partition, offset: message.offset, reason },
      'billwerk unavailable: hook parked for a later retry',
    );
  }

  /** Retries parked hooks that are due; several instances may run it, each hook is claimed. */
  async retryParked(): Promise<{ processed: number; parked: number; deadLettered: number }> {
    const result = { processed: 0, parked: 0, deadLettered: 0 };
    const now = this.now();
    const due = await this.dataSource.manager
      .createQueryBuilder(PendingHookEntity, 'p')
      .where('p.nextAttemptAt <= :now', { now: now.toISOString() })
      .orderBy('p.createdAt', 'ASC')
      .take(RETRY_BATCH)
      .getMany();
    for (const row of due) {
      const claimed = await this.dataSource.manager.update(
        PendingHookEntity,
        { id: row.id, nextAttemptAt: row.nextAttemptAt },
        { nextAttemptAt: new Date(now.getTime() + CLAIM_MS).toISOString() },
      );
      if (!claimed.affected) continue;
      const message: ConsumedMessage = {
        topic: row.topic,
        partition: row.partition,
        offset: row.offset,
        key: row.messageKey,
        value: row.value,
        headers: JSON.parse(row.headers) as Record<string, string>,
      };
      let failure: IntakeResult | Failure;
      try {
        failure = await this.attempt(parseHookEnvelope(message.value));
      } catch (error) {
        // A value no column takes fails the same way every time: dead-letter it rather than
        // retrying it whenever its claim runs out. Anything else (the database) waits for that.
        const failure = classifyFailure(error);
        if (failure.kind === 'deterministic') {
          await this.deadLetter(message, failure.code, errorText(error), row.attempts + 1);
          await this.dataSource.manager.delete(PendingHookEntity, { id: row.id });
          result.deadLettered += 1;
          continue;
        }
        this.logger.error({ err: errorText(error), pendingId: row.id }, 'parked hook retry failed');
        continue;
      }
      if (!('kind' in failure)) {
        await this.dataSource.manager.delete(PendingHookEntity, { id: row.id });
        result.processed += 1;
      } else if (failure.kind === 'permanent' || row.attempts + 1 >= this.settings.maxAttempts) {
        await this.deadLetter(message, failure.code, failure.reason, row.attempts + 1);
        await this.dataSource.manager.delete(PendingHookEntity, { id: row.id });
        result.deadLettered += 1;
      } else {
        const delay = Math.min(this.settings.retryBaseMs * 2 ** row.attempts, MAX_RETRY_DELAY_MS);
        await this.dataSource.manager.update(
          PendingHookEntity,
          { id: row.id },
          {
            attempts: row.attempts + 1,
            lastError: failure.reason,
            nextAttemptAt: new Date(this.now().getTime() + delay).toISOString(),
          },
        );
        result.parked += 1;
        // billwerk is still down: the other due hooks wait for the next round's probe.
        break;
      }
    }
    return result;
  }
}
