/** Kafka headers as stored: repeated headers keep every value. */
export type StoredHeaders = Record<string, string | string[]>;

/** One Kafka message as the audit log keeps it; every field is covered by the row's hash. */
export interface AuditRecord {
  eventId: string;
  type: string;
  source: string;
  subject: string | null;
  contractId: string | null;
  customerId: string | null;
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit: kept as decimal strings. */
  offset: string;
  /** RFC 3339 with milliseconds, UTC. */
  kafkaTimestamp: string;
  /** The envelope's `time`: when the ingress received the hook. */
  receivedAt: string;
  /** When the audit app stored the row. */
  recordedAt: string;
  retryCount: number;
  data: unknown;
  headers: StoredHeaders;
  /**
   * The Kafka record value exactly as consumed (UTF-8 JSON text, byte for byte): what the chain
   * hashes and replay publishes. The other value fields are parsed from it.
   */
  rawValue: string;
}
