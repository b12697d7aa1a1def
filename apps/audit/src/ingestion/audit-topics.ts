import { BILLWERK_TOPICS } from '@app/contracts';

/** Published by the retention app (not built yet): subscribed now so no action goes unrecorded. */
export const RETENTION_ACTIONS_TOPIC = 'retention.actions.v1';

/** Messages that can never be audit rows, with the error and their origin in headers. */
export const AUDIT_DLQ_TOPIC = 'billwerk.audit.dlq.v1';

/**
 * Listed, not a `billwerk.*.v1` pattern: the pattern would include our own dead-letter topic, and
 * KafkaJS matches a pattern only against the topics that exist when it subscribes.
 */
export const AUDITED_TOPICS: readonly string[] = [...BILLWERK_TOPICS, RETENTION_ACTIONS_TOPIC];
