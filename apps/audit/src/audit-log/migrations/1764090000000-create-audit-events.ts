import type { MigrationInterface, QueryRunner } from 'typeorm';

const INDEXES = [
  // Query API filters, each ordered like the keyset cursor (received_at, seq).
  'CREATE INDEX audit_events_customer_idx ON audit_events (customer_id, received_at, seq)',
  'CREATE INDEX audit_events_contract_idx ON audit_events (contract_id, received_at, seq)',
  'CREATE INDEX audit_events_type_idx ON audit_events (type, received_at, seq)',
  'CREATE INDEX audit_events_source_idx ON audit_events (source, received_at, seq)',
  'CREATE INDEX audit_events_received_idx ON audit_events (received_at, seq)',
];

/** The audit table; (topic, partition, offset) and event id are unique so a redelivery adds nothing. */
export class CreateAuditEvents1764090000000 implements MigrationInterface {
  name = 'CreateAuditEvents1764090000000';

  async up(runner: QueryRunner): Promise<void> {
    const postgres = runner.connection.options.type === 'postgres';
    const [seq, time, json] = postgres
      ? ['bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY', 'timestamptz', 'jsonb']
      : ['INTEGER PRIMARY KEY AUTOINCREMENT', 'text', 'text'];
    await runner.query(`
      CREATE TABLE audit_events (
        seq ${seq},
        event_id text NOT NULL,
        type text NOT NULL,
        source text NOT NULL,
        subject text,
        contract_id text,
        customer_id text,
        topic text NOT NULL,
        kafka_partition integer NOT NULL,
        kafka_offset bigint NOT NULL,
        kafka_timestamp ${time} NOT NULL,
        received_at ${time} NOT NULL,
        recorded_at ${time} NOT NULL,
        retry_count integer NOT NULL,
        data ${json},
        headers ${json} NOT NULL,
        hash char(64) NOT NULL,
        CONSTRAINT audit_events_event_id_key UNIQUE (event_id),
        CONSTRAINT audit_events_position_key UNIQUE (topic, kafka_partition, kafka_offset)
      )`);
    for (const index of INDEXES) await runner.query(index);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE audit_events');
  }
}
