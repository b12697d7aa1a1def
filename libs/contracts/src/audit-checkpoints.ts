/**
 * `billwerk.audit.checkpoints.v1` (AUDIT_CHECKPOINTS_TOPIC): the newest audit row of each audited topic-partition, written by
 * the audit app after each stored batch, outside the audit database. Compacted: only the latest
 * checkpoint per key is kept. Whoever can rewrite the table cannot rewind these, so rows removed
 * from the end of a chain show as a table head behind its checkpoint.
 */
/** Topic settings: compacted (latest per key), small segments so compaction keeps up. */
export const AUDIT_CHECKPOINTS_TOPIC_CONFIG: Readonly<Record<string, string>> = {
  'cleanup.policy': 'compact',
  'segment.ms': String(60 * 60 * 1000),
  'segment.bytes': String(16 * 1024 * 1024),
};

/** The value of a checkpoint (JSON). */
export interface AuditCheckpoint {
  /** The audit consumer group whose log this is: one cluster may carry several audit logs. */
  group: string;
  /** The audited topic-partition. */
  topic: string;
  partition: number;
  /** The Kafka offset of the newest stored row (decimal). */
  offset: string;
  /** That row's `seq` in audit_events (decimal). */
  seq: string;
  /** That row's chain hash. */
  hash: string;
  /** The chain key of that hash; null for a legacy unkeyed row. */
  keyId: string | null;
  /** When the checkpoint was written (ISO 8601). */
  at: string;
}

/** Field types for the AsyncAPI document and the compatibility gate. */
export const AUDIT_CHECKPOINT_FIELDS: Record<keyof AuditCheckpoint, string> = {
  group: 'string',
  topic: 'string',
  partition: 'integer',
  offset: 'string',
  seq: 'string',
  hash: 'string',
  keyId: 'string|null',
  at: 'date-time',
};

/** The message key: one per audit log and audited topic-partition, which compaction keeps. */
export function auditCheckpointKey(group: string, topic: string, partition: number): string {
  return `${group}/${topic}/${partition}`;
}

export class AuditCheckpointFormatError extends Error {
  readonly code = 'AUDIT_CHECKPOINT_INVALID';
}

const DECIMAL = /^\d+$/;
const HASH = /^[0-9a-f]{64}$/;

/** Parses and checks a checkpoint value; throws AuditCheckpointFormatError. */
export function parseAuditCheckpoint(value: string): AuditCheckpoint {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new AuditCheckpointFormatError('checkpoint is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AuditCheckpointFormatError('checkpoint is not a JSON object');
  }
  const c = parsed as Partial<Record<keyof AuditCheckpoint, unknown>>;
  const text = (field: keyof AuditCheckpoint, pattern?: RegExp): string => {
    const v = c[field];
    if (typeof v !== 'string' || v === '' || (pattern !== undefined && !pattern.test(v))) {
      throw new AuditCheckpointFormatError(`checkpoint ${field} is missing or malformed`);
    }
    return v;
  };
  const partition = c.partition;
  if (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0) {
    throw new AuditCheckpointFormatError('checkpoint partition is missing or malformed');
  }
  const keyId = c.keyId;
  if (keyId !== null && typeof keyId !== 'string') {
    throw new AuditCheckpointFormatError('checkpoint keyId is missing or malformed');
  }
  return {
    group: text('group'),
    topic: text('topic'),
    partition,
    offset: text('offset', DECIMAL),
    seq: text('seq', DECIMAL),
    hash: text('hash', HASH),
    keyId,
    at: text('at'),
  };
}
