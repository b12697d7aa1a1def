import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { CaseEventType } from '../records';

/**
 * The timeline of a case: hooks seen, state fetched, decisions taken, actions queued.
 * `detail` holds ids, dates and flags only, never names or addresses, so erasure leaves it be.
 * Hooks that touched no case are kept with `caseId` null, as the contract's history.
 */
@Entity('retention_case_event')
@Index('retention_case_event_case', ['caseId', 'id'])
@Index('retention_case_event_contract', ['contractId'])
export class CaseEventEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column('varchar', { length: 36, nullable: true })
  caseId!: string | null;

  @Column('varchar', { length: 64, nullable: true })
  contractId!: string | null;

  @Column('varchar', { length: 30 })
  at!: string;

  @Column('varchar', { length: 16 })
  type!: CaseEventType;

  /** JSON object. */
  @Column('text')
  detail!: string;
}
