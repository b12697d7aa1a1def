import { auditRecord, TEST_CHAIN_KEYS } from '../../test/audit-fixtures';
import type { AuditEventEntity } from './audit-event.entity';
import type { AuditRecord } from './audit-record';
import { checkLink } from './chain-check';
import { ChainKeyRing } from './chain-keys';
import {
  canonicalJson,
  canonicalRow,
  GENESIS_HASH,
  keyedRowHash,
  legacyChainHash,
} from './hash-chain';

const KEY = TEST_CHAIN_KEYS.active;

/** A row as the app stores it today: keyed with the test key. */
function keyedRow(record: AuditRecord, previous = GENESIS_HASH): AuditEventEntity {
  const hash = keyedRowHash(
    TEST_CHAIN_KEYS.activeSecret,
    KEY.id,
    previous,
    record,
    canonicalJson(record.headers),
  );
  return { ...record, seq: '1', hash, chainKeyId: KEY.id };
}

/** A row as the app stored it before the keyed chain. */
function legacyRow(record: AuditRecord, previous = GENESIS_HASH): AuditEventEntity {
  const hash = legacyChainHash(previous, canonicalRow(record).content);
  return { ...record, seq: '1', hash, chainKeyId: null, rawValue: null };
}

describe('checkLink', () => {
  const record = auditRecord({ data: { Event: 'PaymentSucceeded', Amount: 1.5 } });

  it('accepts keyed rows and legacy rows as they were written', () => {
    expect(checkLink(keyedRow(record), GENESIS_HASH, TEST_CHAIN_KEYS, false)).toEqual({
      expectedHash: keyedRow(record).hash,
    });
    expect(checkLink(legacyRow(record), GENESIS_HASH, TEST_CHAIN_KEYS, false).problem).toBe(
      undefined,
    );
  });

  it('knows a row chained with a retired key while the ring lists it', () => {
    const rotated = new ChainKeyRing({ id: 'test-2', secret: 'x'.repeat(40) }, [KEY]);
    expect(checkLink(keyedRow(record), GENESIS_HASH, rotated, false).problem).toBe(undefined);
    const forgotten = new ChainKeyRing({ id: 'test-2', secret: 'x'.repeat(40) });
    expect(checkLink(keyedRow(record), GENESIS_HASH, forgotten, false)).toEqual({
      expectedHash: null,
      problem: 'UNKNOWN_KEY',
    });
  });

  it('catches a value rewritten with its unkeyed hash recomputed, as a rewriter without the key would', () => {
    const forged = {
      ...record,
      data: { Event: 'PaymentSucceeded', Amount: 0.01 },
      rawValue: record.rawValue.replace('1.5', '0.01'),
    };
    const row = {
      ...keyedRow(record),
      data: forged.data,
      rawValue: forged.rawValue,
      hash: legacyChainHash(GENESIS_HASH, canonicalRow(forged).content),
    };
    expect(checkLink(row, GENESIS_HASH, TEST_CHAIN_KEYS, false).problem).toBe('HASH_MISMATCH');
    // Posing as a legacy row is refused once keyed rows came before it.
    const downgraded = { ...legacyRow(forged), chainKeyId: null };
    expect(checkLink(downgraded, GENESIS_HASH, TEST_CHAIN_KEYS, true).problem).toBe(
      'UNKEYED_AFTER_KEYED',
    );
  });

  it('catches data edited behind an intact value, and a keyed row without its value', () => {
    const edited = { ...keyedRow(record), data: { Event: 'Forged' } };
    expect(checkLink(edited, GENESIS_HASH, TEST_CHAIN_KEYS, false).problem).toBe('DATA_MISMATCH');
    const bare = { ...keyedRow(record), rawValue: null };
    expect(checkLink(bare, GENESIS_HASH, TEST_CHAIN_KEYS, false).problem).toBe('MISSING_VALUE');
  });

  it('breaks on the wrong predecessor: a row removed before it', () => {
    const second = keyedRow(auditRecord(), 'a'.repeat(64));
    expect(checkLink(second, 'b'.repeat(64), TEST_CHAIN_KEYS, true).problem).toBe('HASH_MISMATCH');
  });
});
