import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Occurrences already acted on (a failed transaction, an escalation process, a dunning), so a
 * late or repeated hook for one of them cannot open a second case after the first was closed.
 */
@Entity('retention_trigger')
export class TriggerEntity {
  @PrimaryColumn('varchar', { length: 200 })
  key!: string;

  @Column('varchar', { length: 36 })
  caseId!: string;

  @Column('varchar', { length: 30 })
  seenAt!: string;
}
