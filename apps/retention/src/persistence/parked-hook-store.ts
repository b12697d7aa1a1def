import { isUniqueViolation } from '@app/persistence';
import { randomUUID } from 'node:crypto';
import { LessThanOrEqual, type EntityManager } from 'typeorm';
import { PendingHookEntity } from './entities/pending-hook.entity';
import type { ConsumedMessage, ParkedHook } from './records';

/**
 * Hooks parked while billwerk could not be asked. Each is kept once per topic, partition and
 * offset, and a retrier claims one before retrying it, so several instances never retry the same.
 */
export class ParkedHookStore {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Parks a hook for its first retry at `retryAt`; false when it was already parked (redelivered
   * after a crash between parking and the offset commit).
   */
  async park(message: ConsumedMessage, reason: string, at: Date, retryAt: Date): Promise<boolean> {
    try {
      await this.manager.insert(PendingHookEntity, {
        id: randomUUID(),
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        messageKey: message.key,
        value: message.value,
        headers: JSON.stringify(message.headers),
        attempts: 1,
        nextAttemptAt: retryAt.toISOString(),
        lastError: reason,
        createdAt: at.toISOString(),
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /**
   * Yields up to `limit` hooks due at `now`, oldest first, each claimed until `claimUntil` just
   * before it is yielded; one another retrier claimed first is skipped. Hooks after the point
   * where the caller stops are left unclaimed, due to the next round.
   */
  async *claimDue(now: Date, claimUntil: Date, limit: number): AsyncGenerator<ParkedHook> {
    const due = await this.manager.find(PendingHookEntity, {
      where: { nextAttemptAt: LessThanOrEqual(now.toISOString()) },
      order: { createdAt: 'ASC' },
      take: limit,
    });
    for (const row of due) {
      const claimed = await this.manager.update(
        PendingHookEntity,
        { id: row.id, nextAttemptAt: row.nextAttemptAt },
        { nextAttemptAt: claimUntil.toISOString() },
      );
      if (!claimed.affected) continue;
      yield {
        id: row.id,
        attempts: row.attempts,
        message: {
          topic: row.topic,
          partition: row.partition,
          offset: row.offset,
          key: row.messageKey,
          value: row.value,
          headers: JSON.parse(row.headers) as Record<string, string>,
        },
      };
    }
  }

  /** Retried without success: next attempt at `retryAt`. */
  async reschedule(hook: ParkedHook, reason: string, retryAt: Date): Promise<void> {
    await this.manager.update(
      PendingHookEntity,
      { id: hook.id },
      { attempts: hook.attempts + 1, lastError: reason, nextAttemptAt: retryAt.toISOString() },
    );
  }

  /** Handled for good: processed or dead-lettered. */
  async drop(hook: ParkedHook): Promise<void> {
    await this.manager.delete(PendingHookEntity, { id: hook.id });
  }

  async count(): Promise<number> {
    return this.manager.count(PendingHookEntity);
  }
}
