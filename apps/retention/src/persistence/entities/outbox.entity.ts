import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ActionType } from '../../domain/retention-model';

export type OutboxStatus = 'pending' | 'published' | 'cancelled';

/**
 * Actions to publish on `retention.actions.v1`, written in the transaction that decided them.
 * `actionKey` is unique, so however often a hook is seen an action is queued once; the relay
 * publishes rows that are due, scheduled ones included.
 */
@Entity('retention_outbox')
@Index('retention_outbox_due', ['status', 'dueAt'])
@Index('retention_outbox_case', ['caseId'])
export class OutboxEntity {
  /** Also the CloudEvent id, so consumers can drop a redelivery. */
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @Column('varchar', { length: 250, unique: true })
  actionKey!: string;

  @Column('varchar', { length: 36 })
  caseId!: string;

  @Column('varchar', { length: 64 })
  contractId!: string;

  @Column('varchar', { length: 40 })
  type!: ActionType;

  /** The CloudEvent's `data`, JSON. */
  @Column('text')
  payload!: string;

  @Column('varchar', { length: 16 })
  status!: OutboxStatus;

  @Column('varchar', { length: 30 })
  createdAt!: string;

  @Column('varchar', { length: 30 })
  dueAt!: string;

  @Column('varchar', { length: 30, nullable: true })
  publishedAt!: string | null;

  /** While in the future, a relay is publishing the row; others leave it alone. */
  @Column('varchar', { length: 30, nullable: true })
  claimedUntil!: string | null;

  /** The W3C traceparent of the span that queued the action (null when tracing was off). */
  @Column('varchar', { length: 55, nullable: true })
  traceparent!: string | null;
}
