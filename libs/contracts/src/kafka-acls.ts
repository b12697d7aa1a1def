import {
  AUDIT_CHECKPOINTS_TOPIC,
  AUDIT_DLQ_TOPIC,
  AUDITED_TOPICS,
  BILLWERK_TOPICS,
  RETENTION_ACTIONS_TOPIC,
  RETENTION_DLQ_TOPIC,
} from './topics';

/**
 * Who may do what on Kafka, as data: the local launcher applies it (`--scram`), and a production
 * cluster's ACLs follow it. Least privilege: only `ingress` and `replay` may write the billwerk
 * event topics, so a consumer's credentials cannot forge a hook. Each principal may create the
 * topics it writes (its own `ensureTopics` at start on an empty cluster), never the ones it reads.
 * WRITE and READ imply DESCRIBE, so every principal sees the topics it uses in its topic list.
 * Idempotent producing needs no cluster permission: WRITE on a topic suffices (Kafka ≥ 3.0, KIP-679).
 */
export type KafkaPrincipal = 'ingress' | 'replay' | 'audit' | 'retention' | 'admin';

export type KafkaAclOperation = 'READ' | 'WRITE' | 'CREATE';

export interface KafkaAclGrant {
  principal: Exclude<KafkaPrincipal, 'admin'>;
  resource: 'topic' | 'group';
  /** The topic or consumer group name; with `prefixed`, every name starting with it. */
  name: string;
  prefixed?: boolean;
  operations: readonly KafkaAclOperation[];
}

/** The super user: inter-broker and controller traffic, topic and ACL administration. */
export const KAFKA_SUPER_USER: KafkaPrincipal = 'admin';

export const KAFKA_PRINCIPALS: readonly KafkaPrincipal[] = [
  'ingress',
  'replay',
  'audit',
  'retention',
  'admin',
];

const AUDIT_GROUP = 'billwerk-audit';
const RETENTION_GROUP = 'billwerk-retention';

function topics(
  principal: KafkaAclGrant['principal'],
  names: readonly string[],
  operations: readonly KafkaAclOperation[],
): KafkaAclGrant[] {
  return names.map((name) => ({ principal, resource: 'topic', name, operations }));
}

export const KAFKA_ACLS: readonly KafkaAclGrant[] = [
  ...topics('ingress', BILLWERK_TOPICS, ['WRITE', 'CREATE']),
  ...topics('replay', BILLWERK_TOPICS, ['WRITE']),
  ...topics('audit', AUDITED_TOPICS, ['READ']),
  { principal: 'audit', resource: 'group', name: AUDIT_GROUP, operations: ['READ'] },
  // Each audit instance reads the checkpoints in a group of its own: <group>.checkpoint-reader.<uuid>.
  {
    principal: 'audit',
    resource: 'group',
    name: `${AUDIT_GROUP}.checkpoint-reader.`,
    prefixed: true,
    operations: ['READ'],
  },
  ...topics('audit', [AUDIT_DLQ_TOPIC], ['WRITE', 'CREATE']),
  ...topics('audit', [AUDIT_CHECKPOINTS_TOPIC], ['READ', 'WRITE', 'CREATE']),
  ...topics('retention', BILLWERK_TOPICS, ['READ']),
  { principal: 'retention', resource: 'group', name: RETENTION_GROUP, operations: ['READ'] },
  // The outbox relay reads its own topic back (in a group of its own, <group>.outbox-check.<uuid>)
  // to find what a relay killed between send and mark already published.
  {
    principal: 'retention',
    resource: 'group',
    name: `${RETENTION_GROUP}.outbox-check.`,
    prefixed: true,
    operations: ['READ'],
  },
  ...topics('retention', [RETENTION_ACTIONS_TOPIC], ['READ', 'WRITE', 'CREATE']),
  ...topics('retention', [RETENTION_DLQ_TOPIC], ['WRITE', 'CREATE']),
];
