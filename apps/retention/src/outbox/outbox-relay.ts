import type { TopicBatch } from '@app/messaging';
import { In, type DataSource } from 'typeorm';
import {
  actionMessage,
  RETENTION_ACTIONS_TOPIC,
  type RetentionActionData,
} from '../domain/retention-action';
import type { ActionType } from '../domain/retention-model';
import { OutboxEntity } from './outbox.entity';

/** How many due actions one relay round takes. */
const BATCH = 100;
/**
 * How long a claim hides rows from other relays. Longer than any send (the producer gives up
 * well within it); a relay that died mid-send leaves rows that are due again after it.
 */
const CLAIM_MS = 120_000;

/**
 * Publishes due outbox rows without holding a transaction across the network call: claim (a
 * short transaction sets `claimedUntil`; `FOR UPDATE SKIP LOCKED` on Postgres, so with several
 * instances each row is claimed once), commit, send, mark published. A failed send releases the
 * claim. A crash between the acknowledgement and the mark republishes the same CloudEvent id once
 * the claim ran out.
 */
export class OutboxRelay {
  constructor(
    private readonly dataSource: DataSource,
    private readonly send: (batches: TopicBatch[]) => Promise<void>,
    private readonly published: (type: ActionType) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Publishes what is due; returns how many actions went out. */
  async relayDue(): Promise<number> {
    const rows = await this.claim();
    if (rows.length === 0) return 0;
    const ids = rows.map((row) => row.id);
    const at = this.now().toISOString();
    try {
      await this.send([
        {
          topic: RETENTION_ACTIONS_TOPIC,
          messages: rows.map((row) =>
            actionMessage(row.id, at, JSON.parse(row.payload) as RetentionActionData),
          ),
        },
      ]);
    } catch (error) {
      // Due again next round; if the database is gone as well, the claim runs out instead.
      await this.dataSource.manager
        .update(OutboxEntity, { id: In(ids), status: 'pending' }, { claimedUntil: null })
        .catch((releaseError: unknown) => {
          throw new AggregateError([error, releaseError], 'send failed; claim not released');
        });
      throw error;
    }
    // A row cancelled meanwhile (erasure) keeps its status: it went out before the erasure.
    await this.dataSource.manager.update(
      OutboxEntity,
      { id: In(ids), status: 'pending' },
      { status: 'published', publishedAt: at, claimedUntil: null },
    );
    for (const row of rows) this.published(row.type);
    return rows.length;
  }

  private claim(): Promise<OutboxEntity[]> {
    const postgres = this.dataSource.options.type === 'postgres';
    return this.dataSource.transaction(async (manager) => {
      const now = this.now();
      const at = now.toISOString();
      let query = manager
        .createQueryBuilder(OutboxEntity, 'o')
        .where('o.status = :pending AND o.dueAt <= :at', { pending: 'pending', at })
        .andWhere('(o.claimedUntil IS NULL OR o.claimedUntil <= :at)', { at })
        .orderBy('o.dueAt', 'ASC')
        .take(BATCH);
      if (postgres) query = query.setLock('pessimistic_write').setOnLocked('skip_locked');
      const rows = await query.getMany();
      if (rows.length === 0) return [];
      await manager.update(
        OutboxEntity,
        { id: In(rows.map((row) => row.id)) },
        { claimedUntil: new Date(now.getTime() + CLAIM_MS).toISOString() },
      );
      return rows;
    });
  }
}
