import { randomUUID } from 'node:crypto';
import { billwerkId } from '../../../test/fixtures/billwerk-hooks';
import type { AuditRecord } from '../src/audit-log/audit-record';
import { ChainKeyRing } from '../src/audit-log/chain-keys';
import { keyedLinker } from '../src/audit-log/hash-chain';
import { rebuildEnvelope } from '../src/replay/replay-envelope';

/** The chain key every spec chains and verifies with, as an app process's environment. */
export const TEST_CHAIN_KEY_ENV = {
  AUDIT_CHAIN_KEY: 'test-only-audit-chain-key-0123456789abcdef',
  AUDIT_CHAIN_KEY_ID: 'test-1',
};

/** The same key, for repositories built in the spec. */
export const TEST_CHAIN_KEYS = new ChainKeyRing({
  id: TEST_CHAIN_KEY_ENV.AUDIT_CHAIN_KEY_ID,
  secret: TEST_CHAIN_KEY_ENV.AUDIT_CHAIN_KEY,
});
export const TEST_LINKER = keyedLinker(TEST_CHAIN_KEYS);

/**
 * An audit row as the consumer would build it; overrides pick the interesting fields. Its
 * `rawValue` is the envelope the ingress would have published for the final fields unless given.
 */
export function auditRecord(overrides: Partial<AuditRecord> = {}): AuditRecord {
  const receivedAt = overrides.receivedAt ?? new Date().toISOString();
  const { rawValue, ...fields } = overrides;
  const record = {
    eventId: randomUUID(),
    type: 'billwerk.ContractChanged',
    source: 'billwerk/default',
    subject: billwerkId(1),
    contractId: billwerkId(1),
    customerId: billwerkId(2),
    topic: 'billwerk.contract.v1',
    partition: 0,
    offset: '0',
    kafkaTimestamp: receivedAt,
    receivedAt,
    recordedAt: receivedAt,
    retryCount: 0,
    data: { Event: 'ContractChanged', ContractId: billwerkId(1), CustomerId: billwerkId(2) },
    headers: { 'content-type': 'application/cloudevents+json' },
    ...fields,
  };
  return { ...record, rawValue: rawValue ?? rebuildEnvelope(record) };
}

/** `count` consecutive rows of one topic-partition starting at `firstOffset`. */
export function auditRecords(
  count: number,
  firstOffset = 0,
  overrides: (index: number) => Partial<AuditRecord> = () => ({}),
): AuditRecord[] {
  return Array.from({ length: count }, (_, index) =>
    auditRecord({ offset: String(firstOffset + index), ...overrides(index) }),
  );
}
