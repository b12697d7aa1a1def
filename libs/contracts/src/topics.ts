/**
 * Every Kafka topic billwerk-bridge writes, and which of them each app reads. Names are a contract
 * with subscribers: a breaking change to a topic's messages means a new topic with the next
 * version suffix, never an edit. Apps, tools and tests take topic names from here only.
 */
export const BILLWERK_TOPICS = [
  'billwerk.contract.v1',
  'billwerk.customer.v1',
  'billwerk.payment.v1',
  'billwerk.invoice.v1',
  'billwerk.catalog.v1',
  'billwerk.reporting.v1',
  'billwerk.unrecognized.v1',
] as const;

export type BillwerkTopic = (typeof BILLWERK_TOPICS)[number];

export const UNRECOGNIZED_TOPIC: BillwerkTopic = 'billwerk.unrecognized.v1';

/** What the retention app tells the CRM and e-mail teams (messages in `retention-actions.ts`). */
export const RETENTION_ACTIONS_TOPIC = 'retention.actions.v1';
/** Hooks retention can never process, with the error and origin in headers. */
export const RETENTION_DLQ_TOPIC = 'billwerk.retention.dlq.v1';

/** The billwerk topics whose events retention's workflows act on. */
export const RETENTION_CONSUMED_TOPICS = [
  'billwerk.contract.v1',
  'billwerk.payment.v1',
  'billwerk.customer.v1',
  'billwerk.invoice.v1',
] as const satisfies readonly BillwerkTopic[];

/** Messages that can never be audit rows, with the error and their origin in headers. */
export const AUDIT_DLQ_TOPIC = 'billwerk.audit.dlq.v1';
/** The audit log's chain checkpoints (messages and settings in `audit-checkpoints.ts`). */
export const AUDIT_CHECKPOINTS_TOPIC = 'billwerk.audit.checkpoints.v1';

/**
 * What the audit app stores. Listed, not a `billwerk.*.v1` pattern: the pattern would include the
 * audit's own dead-letter topic, and KafkaJS matches a pattern only against the topics that exist
 * when it subscribes.
 */
export const AUDITED_TOPICS: readonly string[] = [...BILLWERK_TOPICS, RETENTION_ACTIONS_TOPIC];
