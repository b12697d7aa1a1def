import { auditRecord } from '../../test/audit-fixtures';
import { canonicalJson, chainHash, GENESIS_HASH } from './hash-chain';

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('gives equal text for equal values whatever the key order', () => {
    expect(canonicalJson({ x: 'é', y: [1.5] })).toBe(canonicalJson({ y: [1.5], x: 'é' }));
  });
});

describe('chainHash', () => {
  const record = auditRecord({ eventId: '6f1c7d1e-0000-4000-8000-000000000001' });

  it('is a SHA-256 hex digest that depends on the previous hash', () => {
    const first = chainHash(GENESIS_HASH, record);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(first, record)).not.toBe(first);
  });

  it('changes when any field changes', () => {
    const base = chainHash(GENESIS_HASH, record);
    expect(chainHash(GENESIS_HASH, { ...record, retryCount: 1 })).not.toBe(base);
    expect(chainHash(GENESIS_HASH, { ...record, data: { Event: 'Other' } })).not.toBe(base);
    expect(chainHash(GENESIS_HASH, { ...record, offset: '1' })).not.toBe(base);
  });

  it('ignores columns outside the hashed content (a row read back with its seq)', () => {
    expect(chainHash(GENESIS_HASH, { ...record, seq: '17' } as typeof record)).toBe(
      chainHash(GENESIS_HASH, record),
    );
  });
});
