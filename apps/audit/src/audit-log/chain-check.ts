import type { AuditEventEntity } from './audit-event.entity';
import type { ChainKeyRing } from './chain-keys';
import { canonicalJson, canonicalRow, keyedRowHash, legacyChainHash } from './hash-chain';

/**
 * Why a row does not link up:
 * - `HASH_MISMATCH`: its hash is not the one its columns and value (and its predecessor) give:
 *   the row or its predecessor was edited, or rows between them were removed.
 * - `UNKNOWN_KEY`: it names a chain key this app was not given (AUDIT_CHAIN_PREVIOUS_KEYS).
 * - `MISSING_VALUE`: a keyed row without its value.
 * - `DATA_MISMATCH`: `data` is not what its value says (`data` is not hashed, the value is).
 * - `UNKEYED_AFTER_KEYED`: an unkeyed row after a keyed one in the same partition: the app never
 *   writes one, a rewriter without the key would.
 */
export type LinkProblem =
  'HASH_MISMATCH' | 'UNKNOWN_KEY' | 'MISSING_VALUE' | 'DATA_MISMATCH' | 'UNKEYED_AFTER_KEYED';

export interface LinkCheck {
  /** The hash the row should have; null when it cannot be computed (unknown key, no value). */
  expectedHash: string | null;
  problem?: LinkProblem;
}

/** `data` as the consumer parses it from the value (null when absent or unreadable). */
function dataOf(rawValue: string): string | undefined {
  try {
    const envelope = JSON.parse(rawValue) as { data?: unknown } | null;
    return canonicalJson(envelope?.data ?? null);
  } catch {
    return undefined;
  }
}

/**
 * Checks one row against its predecessor's hash: keyed rows (HMAC under their key id) and the
 * unkeyed rows stored before the keyed chain (SHA-256, as they were written).
 */
export function checkLink(
  row: AuditEventEntity,
  previousHash: string,
  keys: ChainKeyRing,
  afterKeyed: boolean,
): LinkCheck {
  let expectedHash: string;
  if (row.chainKeyId === null) {
    expectedHash = legacyChainHash(previousHash, canonicalRow(row).content);
    if (afterKeyed) return { expectedHash, problem: 'UNKEYED_AFTER_KEYED' };
  } else {
    const secret = keys.secret(row.chainKeyId);
    if (secret === undefined) return { expectedHash: null, problem: 'UNKNOWN_KEY' };
    if (row.rawValue === null) return { expectedHash: null, problem: 'MISSING_VALUE' };
    expectedHash = keyedRowHash(
      secret,
      row.chainKeyId,
      previousHash,
      { ...row, rawValue: row.rawValue },
      canonicalJson(row.headers),
    );
  }
  if (expectedHash !== row.hash) return { expectedHash, problem: 'HASH_MISMATCH' };
  if (row.rawValue !== null && dataOf(row.rawValue) !== canonicalJson(row.data)) {
    return { expectedHash, problem: 'DATA_MISMATCH' };
  }
  return { expectedHash };
}
