import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { CaseKind, CaseOutcome, CaseStatus } from '../../domain/retention-model';

/**
 * One retention workflow for one contract. Timestamps are ISO-8601 UTC strings: they sort and
 * compare the same way on Postgres and SQLite.
 */
@Entity('retention_case')
@Index('retention_case_contract', ['contractId'])
@Index('retention_case_customer', ['customerId'])
@Index('retention_case_status_kind', ['status', 'kind'])
export class RetentionCaseEntity {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @Column('varchar', { length: 32 })
  kind!: CaseKind;

  @Column('varchar', { length: 16 })
  status!: CaseStatus;

  @Column('varchar', { length: 32, nullable: true })
  outcome!: CaseOutcome | null;

  @Column('varchar', { length: 64 })
  contractId!: string;

  @Column('varchar', { length: 64, nullable: true })
  customerId!: string | null;

  /**
   * Unique while set: win-back (contract + end date) and payment recovery (contract) release it
   * when they close, so a later problem opens a new case; a trial nudge keeps it for good.
   */
  @Column('varchar', { length: 200, nullable: true, unique: true })
  dedupKey!: string | null;

  @Column('varchar', { length: 64 })
  reason!: string;

  /** JSON array of the reasons requested so far. */
  @Column('text')
  reasons!: string;

  @Column('varchar', { length: 30, nullable: true })
  endDate!: string | null;

  @Column('varchar', { length: 64, nullable: true })
  planVariantId!: string | null;

  @Column('varchar', { length: 64, nullable: true })
  offerDiscountId!: string | null;

  /** Set while `apply-offer` talks to billwerk, so a second request cannot apply it twice. */
  @Column('varchar', { length: 30, nullable: true })
  offerClaimedAt!: string | null;

  @Column('varchar', { length: 300, nullable: true })
  contactName!: string | null;

  @Column('varchar', { length: 300, nullable: true })
  contactEmail!: string | null;

  @Column('varchar', { length: 35, nullable: true })
  contactLocale!: string | null;

  @Column('boolean', { default: false })
  personalDataErased!: boolean;

  @Column('varchar', { length: 30 })
  openedAt!: string;

  @Column('varchar', { length: 30, nullable: true })
  closedAt!: string | null;
}
