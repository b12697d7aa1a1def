import type { DataSource } from 'typeorm';
import type { AuditRecord } from '../src/audit-log/audit-record';
import { canonicalRow, GENESIS_HASH, legacyChainHash } from '../src/audit-log/hash-chain';

const LEGACY_COLUMNS =
  'event_id,type,source,subject,contract_id,customer_id,topic,kafka_partition,kafka_offset,' +
  'kafka_timestamp,received_at,recorded_at,retry_count,data,headers,hash';

/**
 * Rows as the audit app wrote them before values were kept and the chain was keyed: the parsed
 * columns only, chained with unkeyed SHA-256 over their canonical JSON. Works on the schema of
 * any migration since AuditEventsDedupeByEventId1764090000002.
 */
export async function insertLegacyRows(
  dataSource: DataSource,
  records: AuditRecord[],
  previousHash: string = GENESIS_HASH,
): Promise<string> {
  const postgres = dataSource.options.type === 'postgres';
  let previous = previousHash;
  for (const record of records) {
    const canonical = canonicalRow(record);
    previous = legacyChainHash(previous, canonical.content);
    const values = [
      record.eventId,
      record.type,
      record.source,
      record.subject,
      record.contractId,
      record.customerId,
      record.topic,
      record.partition,
      record.offset,
      record.kafkaTimestamp,
      record.receivedAt,
      record.recordedAt,
      record.retryCount,
      canonical.dataJson,
      canonical.headersJson,
      previous,
    ];
    const marks = values.map((_, i) => (postgres ? `$${i + 1}` : '?')).join(',');
    await dataSource.query(
      `INSERT INTO audit_events (${LEGACY_COLUMNS}) VALUES (${marks})`,
      values,
    );
  }
  return previous;
}
