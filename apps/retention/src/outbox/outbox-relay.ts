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
 * Publishes due outbox rows. The rows are locked while Kafka acknowledges them (`FOR UPDATE SKIP
 * LOCKED` on Postgres), so with several instances each row goes out once; the others skip it.
 * A crash between the acknowledgement and the commit republishes the same CloudEvent id.
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
    const postgres = this.dataSource.options.type === 'postgres';
    const sent = await this.dataSource.transaction(async (manager) => {
      const at = this.now().toISOString();
      let query = manager
        .createQueryBuilder(OutboxEntity, 'o')
        .where('o.status = :pending AND o.dueAt <= :at', { pending: 'pending', at })
        .orderBy('o.dueAt', 'ASC')
        .take(BATCH);
      if (postgres) query = query.setLock('pessimistic_write').setOnLocked('skip_locked');
      const rows = await query.getMany();
      if (rows.length === 0) return [];
      await this.send([
        {
          topic: RETENTION_ACTIONS_TOPIC,
          messages: rows.map((row) =>
            actionMessage(row.id, at, JSON.parse(row.payload) as RetentionActionData),
          ),
        },
      ]);
      await manager.update(
        OutboxEntity,
        { id: In(rows.map((row) => row.id)) },
        { status: 'published', publishedAt: at },
      );
      return rows;
    });
    for (const row of sent) this.published(row.type);
    return sent.length;
  }
}
