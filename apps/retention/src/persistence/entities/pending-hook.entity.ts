import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/**
 * Hooks parked because billwerk could not be asked (outage, rate limit): the offset moved on so
 * the partition keeps flowing, and the retrier handles them later. Hook bodies carry ids only.
 */
@Entity('retention_pending_hook')
@Unique('retention_pending_hook_origin', ['topic', 'partition', 'offset'])
@Index('retention_pending_hook_due', ['nextAttemptAt'])
export class PendingHookEntity {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @Column('varchar', { length: 200 })
  topic!: string;

  @Column('integer')
  partition!: number;

  @Column('varchar', { length: 20 })
  offset!: string;

  @Column('varchar', { length: 200, nullable: true })
  messageKey!: string | null;

  /** The CloudEvent envelope as consumed. */
  @Column('text')
  value!: string;

  /** The Kafka headers as consumed (JSON), kept for the DLQ. */
  @Column('text')
  headers!: string;

  @Column('integer')
  attempts!: number;

  @Column('varchar', { length: 30 })
  nextAttemptAt!: string;

  @Column('text')
  lastError!: string;

  @Column('varchar', { length: 30 })
  createdAt!: string;
}
