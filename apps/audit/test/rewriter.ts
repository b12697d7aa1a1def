import type { DataSource } from 'typeorm';
import { AuditEventEntity } from '../src/audit-log/audit-event.entity';
import { canonicalRow, GENESIS_HASH, legacyChainHash } from '../src/audit-log/hash-chain';

/**
 * Someone who can write the audit table (its owner, or whoever got that role's password) but
 * does not have the chain key: drops the append-only guard, edits rows, and makes the chain link
 * up again the only way open without the key, recomputing the unkeyed SHA-256 links.
 */
export class Rewriter {
  private readonly postgres: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  async dropGuards(): Promise<void> {
    if (this.postgres) {
      await this.dataSource.query(
        'ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only',
      );
      return;
    }
    await this.dataSource.query('DROP TRIGGER audit_events_no_update');
    await this.dataSource.query('DROP TRIGGER audit_events_no_delete');
  }

  rows(topic: string, partition: number): Promise<AuditEventEntity[]> {
    return this.dataSource.getRepository(AuditEventEntity).find({
      where: { topic, partition },
      order: { seq: 'ASC' },
    });
  }

  async run(sql: string, parameters: unknown[]): Promise<void> {
    const numbered = this.postgres ? sql : sql.replace(/\$\d+/g, '?');
    await this.dataSource.query(numbered, parameters);
  }

  /**
   * Recomputes the links of the partition's rows from `fromSeq` on with the unkeyed SHA-256, as
   * the old chain allowed: they link up again to the rows before, as far as SHA-256 can tell.
   */
  async relinkFrom(topic: string, partition: number, fromSeq: string): Promise<void> {
    let previous = GENESIS_HASH;
    for (const row of await this.rows(topic, partition)) {
      if (BigInt(row.seq) >= BigInt(fromSeq)) {
        row.hash = legacyChainHash(previous, canonicalRow(row).content);
        await this.run('UPDATE audit_events SET hash = $1 WHERE seq = $2', [row.hash, row.seq]);
      }
      previous = row.hash;
    }
  }
}
