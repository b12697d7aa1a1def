import type { MigrationInterface, QueryRunner } from 'typeorm';

const INDEXES = [
  'CREATE INDEX audit_events_customer_idx ON audit_events (customer_id, received_at, seq)',
  'CREATE INDEX audit_events_contract_idx ON audit_events (contract_id, received_at, seq)',
  'CREATE INDEX audit_events_type_idx ON audit_events (type, received_at, seq)',
  'CREATE INDEX audit_events_source_idx ON audit_events (source, received_at, seq)',
  'CREATE INDEX audit_events_received_idx ON audit_events (received_at, seq)',
];
/** The head of a topic-partition's chain is its highest seq. */
const CHAIN_INDEX =
  'CREATE INDEX audit_events_chain_idx ON audit_events (topic, kafka_partition, seq)';

/**
 * Duplicates are decided by event id alone: a topic recreated or a cluster migrated restarts
 * offsets at 0, and the (topic, partition, offset) key refused those new events. Each
 * topic-partition's hash chain now follows the table's own sequence.
 */
export class AuditEventsDedupeByEventId1764090000002 implements MigrationInterface {
  name = 'AuditEventsDedupeByEventId1764090000002';

  async up(runner: QueryRunner): Promise<void> {
    if (runner.connection.options.type === 'postgres') {
      await runner.query('ALTER TABLE audit_events DROP CONSTRAINT audit_events_position_key');
      await runner.query(CHAIN_INDEX);
      return;
    }
    // SQLite cannot drop a table constraint: rebuild the table with the same rows and seq.
    await runner.query('DROP TRIGGER audit_events_no_update');
    await runner.query('DROP TRIGGER audit_events_no_delete');
    await runner.query('ALTER TABLE audit_events RENAME TO audit_events_before_1764090000002');
    await runner.query(`
      CREATE TABLE audit_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id text NOT NULL,
        type text NOT NULL,
        source text NOT NULL,
        subject text,
        contract_id text,
        customer_id text,
        topic text NOT NULL,
        kafka_partition integer NOT NULL,
        kafka_offset bigint NOT NULL,
        kafka_timestamp text NOT NULL,
        received_at text NOT NULL,
        recorded_at text NOT NULL,
        retry_count integer NOT NULL,
        data text,
        headers text NOT NULL,
        hash char(64) NOT NULL,
        CONSTRAINT audit_events_event_id_key UNIQUE (event_id)
      )`);
    await runner.query('INSERT INTO audit_events SELECT * FROM audit_events_before_1764090000002');
    await runner.query('DROP TABLE audit_events_before_1764090000002');
    for (const index of [...INDEXES, CHAIN_INDEX]) await runner.query(index);
    for (const operation of ['UPDATE', 'DELETE']) {
      await runner.query(`
        CREATE TRIGGER audit_events_no_${operation.toLowerCase()} BEFORE ${operation} ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: ${operation} refused'); END`);
    }
  }

  /** Fails when a topic was recreated since: two rows then share a position. */
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX audit_events_chain_idx');
    if (runner.connection.options.type === 'postgres') {
      await runner.query(
        'ALTER TABLE audit_events ADD CONSTRAINT audit_events_position_key UNIQUE (topic, kafka_partition, kafka_offset)',
      );
      return;
    }
    await runner.query(
      'CREATE UNIQUE INDEX audit_events_position_key ON audit_events (topic, kafka_partition, kafka_offset)',
    );
  }
}
