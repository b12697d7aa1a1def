import { Column, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';
import type { StoredHeaders } from './audit-record';

/** Postgres returns bigint as text and SQLite as a number: always a decimal string here. */
const decimal: ValueTransformer = {
  to: (value: string) => value,
  from: (value: string | number) => String(value),
};

/** timestamptz (Postgres) comes back as a Date, text (SQLite) as ISO text: always ISO text. */
const isoTime: ValueTransformer = {
  to: (value: string) => value,
  from: (value: Date | string) => new Date(value).toISOString(),
};

/** jsonb (Postgres) comes back parsed, text (SQLite) as JSON text: always the value. */
const json: ValueTransformer = {
  to: (value: unknown) => JSON.stringify(value),
  from: (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value),
};

/**
 * One audit row. The column types here are the ones both drivers accept; the migrations create
 * the real ones (timestamptz and jsonb on Postgres) and the transformers even out what each
 * driver returns. Rows are only ever written by AuditLogRepository's multi-row INSERT.
 */
@Entity({ name: 'audit_events' })
export class AuditEventEntity {
  @PrimaryColumn({ type: 'bigint', transformer: decimal })
  seq!: string;

  @Column({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @Column({ name: 'contract_id', type: 'text', nullable: true })
  contractId!: string | null;

  @Column({ name: 'customer_id', type: 'text', nullable: true })
  customerId!: string | null;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ name: 'kafka_partition', type: 'integer' })
  partition!: number;

  @Column({ name: 'kafka_offset', type: 'bigint', transformer: decimal })
  offset!: string;

  @Column({ name: 'kafka_timestamp', type: 'text', transformer: isoTime })
  kafkaTimestamp!: string;

  @Column({ name: 'received_at', type: 'text', transformer: isoTime })
  receivedAt!: string;

  @Column({ name: 'recorded_at', type: 'text', transformer: isoTime })
  recordedAt!: string;

  @Column({ name: 'retry_count', type: 'integer' })
  retryCount!: number;

  @Column({ type: 'text', nullable: true, transformer: json })
  data!: unknown;

  @Column({ type: 'text', transformer: json })
  headers!: StoredHeaders;

  @Column({ type: 'text' })
  hash!: string;

  /** The value as consumed; null on rows stored before migration AuditEventsRawValue1764300000000. */
  @Column({ name: 'raw_value', type: 'text', nullable: true })
  rawValue!: string | null;

  /** The chain key of `hash` (HMAC-SHA-256); null: the legacy unkeyed SHA-256 chain. */
  @Column({ name: 'chain_key_id', type: 'text', nullable: true })
  chainKeyId!: string | null;
}
