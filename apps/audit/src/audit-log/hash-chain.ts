import { createHash } from 'node:crypto';
import type { AuditRecord } from './audit-record';

/** The "previous hash" of the first row of a topic-partition. */
export const GENESIS_HASH = '';

/** JSON with object keys sorted at every depth: equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const entries = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${entries.join(',')}}`;
}

/** Picks exactly the hashed fields, so a row read back with extra columns hashes the same. */
function hashedContent(record: AuditRecord): AuditRecord {
  return {
    eventId: record.eventId,
    type: record.type,
    source: record.source,
    subject: record.subject,
    contractId: record.contractId,
    customerId: record.customerId,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    kafkaTimestamp: record.kafkaTimestamp,
    receivedAt: record.receivedAt,
    recordedAt: record.recordedAt,
    retryCount: record.retryCount,
    data: record.data,
    headers: record.headers,
  };
}

/**
 * SHA-256 over the previous row's hash (same topic-partition) and this row's canonical content:
 * editing a row breaks its own hash, deleting one breaks its successor's.
 */
export function chainHash(previousHash: string, record: AuditRecord): string {
  return createHash('sha256')
    .update(previousHash)
    .update('\n')
    .update(canonicalJson(hashedContent(record)))
    .digest('hex');
}
