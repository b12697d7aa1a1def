import { activeTraceparent } from '@app/observability';
import { randomUUID } from 'node:crypto';
import { In, type EntityManager } from 'typeorm';
import type { RetentionActionData } from '@app/contracts';
import { OutboxEntity } from './entities/outbox.entity';
import type { ActionSummary, ClaimedAction, NewAction } from './records';

/**
 * The outbox: actions written in the transaction that decided them, published by the relay.
 * A claim (`claimedUntil` in the future) hides a row from other relays.
 */
export class OutboxStore {
  constructor(
    private readonly manager: EntityManager,
    private readonly postgres: boolean,
  ) {}

  /** Queues an action; null when its key is already queued. */
  async enqueue(action: NewAction): Promise<string | null> {
    if ((await this.manager.countBy(OutboxEntity, { actionKey: action.actionKey })) > 0) {
      return null;
    }
    const id = randomUUID();
    await this.manager.insert(OutboxEntity, {
      id,
      actionKey: action.actionKey,
      caseId: action.caseId,
      contractId: action.contractId,
      type: action.data.action,
      payload: JSON.stringify(action.data),
      status: 'pending',
      createdAt: action.createdAt,
      dueAt: action.data.dueAt,
      publishedAt: null,
      claimedUntil: null,
      // The span deciding it (a hook's consume): publishing it, even days later, continues that trace.
      traceparent: activeTraceparent() ?? null,
    });
    return id;
  }

  /** A case's actions in the order they were queued. */
  async ofCase(caseId: string): Promise<ActionSummary[]> {
    const rows = await this.manager.find(OutboxEntity, {
      where: { caseId },
      order: { createdAt: 'ASC', dueAt: 'ASC' },
    });
    return rows.map((row) => ({
      id: row.id,
      type: row.type,
      status: row.status,
      dueAt: row.dueAt,
      publishedAt: row.publishedAt,
    }));
  }

  async dueCount(at: string): Promise<number> {
    return this.manager
      .createQueryBuilder(OutboxEntity, 'o')
      .where('o.status = :pending AND o.dueAt <= :at', { pending: 'pending', at })
      .getCount();
  }

  /**
   * Claims up to `limit` due, unclaimed (or no longer claimed) actions until `until`, earliest
   * due first, in a short transaction of its own. On Postgres the rows are locked `FOR UPDATE
   * SKIP LOCKED`, so relays claiming at once each get different rows.
   */
  claimDue(at: string, until: string, limit: number): Promise<ClaimedAction[]> {
    return this.manager.transaction(async (manager) => {
      let query = manager
        .createQueryBuilder(OutboxEntity, 'o')
        .where('o.status = :pending AND o.dueAt <= :at', { pending: 'pending', at })
        .andWhere('(o.claimedUntil IS NULL OR o.claimedUntil <= :at)', { at })
        .orderBy('o.dueAt', 'ASC')
        .take(limit);
      if (this.postgres) query = query.setLock('pessimistic_write').setOnLocked('skip_locked');
      const rows = await query.getMany();
      if (rows.length > 0) {
        await manager.update(
          OutboxEntity,
          { id: In(rows.map((row) => row.id)) },
          { claimedUntil: until },
        );
      }
      return rows.map((row) => ({
        id: row.id,
        type: row.type,
        data: JSON.parse(row.payload) as RetentionActionData,
        previousClaimUntil: row.claimedUntil,
        traceparent: row.traceparent,
      }));
    });
  }

  /** Ends the claim on still pending actions at `at`: they are due to the next relay round. */
  async release(ids: string[], at: string): Promise<void> {
    await this.manager.update(
      OutboxEntity,
      { id: In(ids), status: 'pending' },
      { claimedUntil: at },
    );
  }

  /** An action cancelled meanwhile (erasure) keeps its status: it went out before the erasure. */
  async markPublished(ids: string[], at: string): Promise<void> {
    await this.manager.update(
      OutboxEntity,
      { id: In(ids), status: 'pending' },
      { status: 'published', publishedAt: at, claimedUntil: null },
    );
  }
}
